package io.jetway.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.jetway.jobs.JobRepository.AttemptOutcome;
import io.jetway.support.Backoff;
import io.jetway.support.ConnectivityFailures;
import io.nats.client.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Records the outcomes of job attempts. Outcomes arriving within a few milliseconds share
 * one database commit (the database's commit rate would otherwise cap job throughput);
 * each job's message is acknowledged, or nak'd with its retry delay, only after its
 * outcome is committed. An outcome of a stale attempt (the job was given to another
 * worker meanwhile) changes nothing and leaves the message to the newer attempt.
 * <p>
 * When the database cannot be reached, the outcomes are kept and their commit retried
 * until it is back, while the worker keeps their messages alive with in-progress acks: an
 * outage is not the handler's failure and spends no attempt. Only when the application
 * stops before the database is back are the messages handed back, and their jobs run
 * again as a take-over (a new attempt).
 */
public class JobCompletions {

	/** Between tries while the database cannot be reached. */
	static final Backoff DATABASE_RETRY = new Backoff(Duration.ofMillis(250), 2, Duration.ofSeconds(5), 0.2);

	private static final Log logger = LogFactory.getLog(JobCompletions.class);

	private static final int MAX_BATCH = 500;

	private final JobRepository repository;

	private final JobEvents events;

	private final JobObserver observer;

	private final Duration window;

	private final Clock clock;

	private final LinkedBlockingQueue<Finished> queue = new LinkedBlockingQueue<>();

	/** Outcomes not committed because the database was unreachable (flusher only). */
	private final Deque<Finished> unstored = new ArrayDeque<>();

	/** Failed commits in a row because the database was unreachable (flusher only). */
	private int unreachable;

	private final Object retryWait = new Object();

	private volatile boolean running;

	private @Nullable Thread thread;

	public JobCompletions(JobRepository repository, JobEvents events, JobObserver observer, Duration window,
			Clock clock) {
		this.repository = repository;
		this.events = events;
		this.observer = observer;
		this.window = window;
		this.clock = clock;
	}

	void submit(Finished finished) {
		this.queue.add(finished);
	}

	synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread flusher = new Thread(this::run, "jetway-jobs-completions");
		this.thread = flusher;
		flusher.start();
	}

	/**
	 * Stops after recording what was submitted.
	 */
	synchronized void stop() {
		this.running = false;
		synchronized (this.retryWait) {
			this.retryWait.notifyAll();
		}
		Thread flusher = this.thread;
		if (flusher != null) {
			try {
				flusher.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.thread = null;
		}
	}

	private void run() {
		while (this.running || !this.queue.isEmpty() || !this.unstored.isEmpty()) {
			try {
				List<Finished> batch = nextBatch();
				if (!batch.isEmpty()) {
					flush(batch);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.unstored.forEach(JobCompletions::handBack);
				return;
			}
		}
	}

	/**
	 * The outcomes not stored yet, first, then those that arrive within the window.
	 */
	private List<Finished> nextBatch() throws InterruptedException {
		List<Finished> batch = new ArrayList<>();
		while (batch.size() < MAX_BATCH && !this.unstored.isEmpty()) {
			batch.add(this.unstored.poll());
		}
		if (batch.isEmpty()) {
			Finished first = this.queue.poll(200, TimeUnit.MILLISECONDS);
			if (first == null) {
				return batch;
			}
			batch.add(first);
		}
		long deadline = System.nanoTime() + this.window.toNanos();
		while (batch.size() < MAX_BATCH) {
			Finished next = this.queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			if (next == null) {
				break;
			}
			batch.add(next);
		}
		return batch;
	}

	private void flush(List<Finished> batch) {
		List<AttemptOutcome> outcomes = batch.stream().map(Finished::outcome).toList();
		Instant now = this.clock.instant();
		boolean[] applied;
		try {
			applied = this.repository.finish(outcomes, now);
		}
		catch (RuntimeException ex) {
			if (this.running && ConnectivityFailures.isConnectivityFailure(ex)) {
				keepForRetry(batch, ex);
				return;
			}
			logger.warn("Could not record " + batch.size() + " job outcomes (" + ex + "); their messages are "
					+ "redelivered and the jobs run again");
			batch.forEach(JobCompletions::handBack);
			return;
		}
		if (this.unreachable > 0) {
			logger.info("The database is reachable again: job outcomes are recorded");
			this.unreachable = 0;
		}
		for (int i = 0; i < batch.size(); i++) {
			Finished finished = batch.get(i);
			if (!applied[i]) {
				stale(finished);
				continue;
			}
			settle(finished, now);
		}
	}

	/**
	 * Keeps outcomes the database could not be reached for, to commit them again after a
	 * pause (their messages are kept alive meanwhile).
	 */
	private void keepForRetry(List<Finished> batch, RuntimeException failure) {
		this.unreachable++;
		Duration pause = DATABASE_RETRY.delayAfter(this.unreachable);
		if (this.unreachable == 1) {
			logger.warn("Could not record " + batch.size() + " job outcomes: the database cannot be reached (" + failure
					+ "); they are recorded once it is back (retrying every " + DATABASE_RETRY.max()
					+ " at most), and their messages are kept meanwhile");
		}
		else {
			logger.debug("Job outcomes: the database still cannot be reached (" + failure + "), retrying in " + pause);
		}
		for (int i = batch.size() - 1; i >= 0; i--) {
			this.unstored.addFirst(batch.get(i));
		}
		synchronized (this.retryWait) {
			if (this.running) {
				try {
					this.retryWait.wait(Math.max(1, pause.toMillis()));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
	}

	/**
	 * Reports an attempt whose outcome did not apply: its job was given to a newer
	 * attempt (or ended) meanwhile. Its message is left to the newer attempt.
	 */
	void stale(Finished finished) {
		AttemptOutcome outcome = finished.outcome();
		logger.warn("Job " + outcome.id() + " (" + finished.type() + "): attempt " + outcome.attempt() + " ended ("
				+ outcome.state().columnValue() + ") after the job was given to a newer attempt (or failed as "
				+ "abandoned); its outcome is ignored, but its handler ran while the newer attempt may have run too");
		this.observer.staleAttempt(finished.type());
		finished.release().run();
	}

	/**
	 * Acknowledges, or hands back for its retry, the message of an attempt whose outcome
	 * is committed, and reports the outcome.
	 */
	void settle(Finished finished, Instant now) {
		AttemptOutcome outcome = finished.outcome();
		finished.release().run();
		try {
			if (outcome.state() == JobState.PENDING) {
				finished.message()
					.nakWithDelay(Duration.between(now, outcome.retryAt()).isNegative() ? Duration.ZERO
							: Duration.between(now, outcome.retryAt()));
			}
			else {
				finished.message().ack();
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Job " + outcome.id() + ": could not settle its message (" + ex + "); the server "
					+ "redelivers it and the finished job is acknowledged then");
		}
		report(finished);
	}

	private void report(Finished finished) {
		AttemptOutcome outcome = finished.outcome();
		switch (outcome.state()) {
			case COMPLETED -> this.observer.completed(finished.type(), finished.duration());
			case FAILED -> this.observer.failed(finished.type(), finished.duration(), false);
			default -> this.observer.failed(finished.type(), finished.duration(), true);
		}
		this.events.transition(outcome.id(), finished.type(), finished.queue(), outcome.state(), outcome.attempt(),
				outcome.error());
	}

	/** Hands a message back whose outcome was not stored: its job runs again. */
	private static void handBack(Finished finished) {
		finished.release().run();
		try {
			finished.message().nakWithDelay(Duration.ofSeconds(1));
		}
		catch (RuntimeException ex) {
			// redelivered after the ack wait
		}
	}

	/**
	 * A finished attempt waiting to be recorded.
	 *
	 * @param release stops the in-progress acks that keep its message alive until it is
	 * settled
	 */
	record Finished(AttemptOutcome outcome, Message message, String type, String queue, Duration duration,
			Runnable release) {
	}

}
