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

import io.jetway.jobs.JobHandBacks.HandedBack;
import io.jetway.jobs.JobRepository.AttemptOutcome;
import io.jetway.support.Backoff;
import io.jetway.support.ConnectivityFailures;
import io.jetway.support.TransientSqlFailures;
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
 * outage is not the handler's failure and spends no attempt. A transient failure of the
 * commit (a deadlock's loser, a lock timeout, a serialization failure) is retried at
 * once: the outcomes are fenced, so committing them again is safe. Only when the
 * application stops before the database is back, or the commit fails otherwise, are the
 * messages handed back, their claims taken back first when the database allows it
 * ({@link JobHandBacks}): their handlers run again as the same attempt (or, when the
 * claims could not be taken back, as a take-over, a new attempt).
 */
public class JobCompletions {

	/** Between tries while the database cannot be reached. */
	static final Backoff DATABASE_RETRY = new Backoff(Duration.ofMillis(250), 2, Duration.ofSeconds(5), 0.2);

	private static final Log logger = LogFactory.getLog(JobCompletions.class);

	private static final int MAX_BATCH = 500;

	private static final int MAX_TRANSIENT_FAILURES = 10;

	private final JobRepository repository;

	private final JobEvents events;

	private final JobObserver observer;

	private final Duration window;

	private final Clock clock;

	private final JobHandBacks handBacks;

	private final LinkedBlockingQueue<Finished> queue = new LinkedBlockingQueue<>();

	/** Outcomes not committed because the database was unreachable (flusher only). */
	private final Deque<Finished> unstored = new ArrayDeque<>();

	/** Failed commits in a row because the database was unreachable (flusher only). */
	private int unreachable;

	/**
	 * Transient failures of the commit in a row (flusher only); past
	 * {@link #MAX_TRANSIENT_FAILURES} the outcomes are handed back.
	 */
	private int transientFailures;

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
		this.handBacks = new JobHandBacks(repository, clock);
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
				handBack(new ArrayList<>(this.unstored));
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
			if (this.running && isTransient(ex) && this.transientFailures < MAX_TRANSIENT_FAILURES) {
				// the outcomes are fenced: committing them again is safe
				this.transientFailures++;
				logger.debug("Job outcomes: transient database failure (" + ex + "), committing them again");
				keep(batch, DATABASE_RETRY.delayAfter(this.transientFailures));
				return;
			}
			this.transientFailures = 0;
			logger.warn("Could not record " + batch.size() + " job outcomes (" + ex + "); their messages are "
					+ "redelivered and the jobs run again");
			handBack(batch);
			return;
		}
		this.transientFailures = 0;
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
		keep(batch, pause);
	}

	private void keep(List<Finished> batch, Duration pause) {
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
		this.observer.staleAttempt(finished.queue(), finished.type(), finished.duration());
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
			case COMPLETED -> this.observer.completed(finished.queue(), finished.type(), finished.duration());
			case FAILED -> this.observer.failed(finished.queue(), finished.type(), finished.duration(), false);
			default -> this.observer.failed(finished.queue(), finished.type(), finished.duration(), true);
		}
		this.events.transition(outcome.id(), finished.type(), finished.queue(), outcome.state(), outcome.attempt(),
				outcome.error(), finished.meta(), finished.duration());
	}

	/**
	 * A failure that a new try of the same commit may not meet: a deadlock's loser, a
	 * lock timeout, a serialization failure.
	 */
	static boolean isTransient(Throwable failure) {
		return TransientSqlFailures.isTransient(failure);
	}

	/**
	 * Hands back messages whose outcomes were not stored, their claims taken back
	 * ({@link JobHandBacks}): their handlers ran (their effects outside Jetway's database
	 * may have happened), and they run again as the same attempt, since the failure to
	 * store the outcome was not theirs.
	 */
	private void handBack(List<Finished> batch) {
		batch.forEach((finished) -> finished.release().run());
		this.handBacks.handBack(batch.stream()
			.map((finished) -> new HandedBack(finished.outcome().id(), finished.outcome().attempt(),
					finished.message()))
			.toList(), Duration.ofSeconds(1));
	}

	/**
	 * A finished attempt waiting to be recorded.
	 *
	 * @param release stops the in-progress acks that keep its message alive until it is
	 * settled
	 * @param meta the job's metadata, a JSON object, if any
	 */
	record Finished(AttemptOutcome outcome, Message message, String type, String queue, @Nullable String meta,
			Duration duration, Runnable release) {
	}

}
