package io.jetway.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.jetway.jobs.JobRepository.AttemptOutcome;
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
 */
public class JobCompletions {

	private static final Log logger = LogFactory.getLog(JobCompletions.class);

	private static final int MAX_BATCH = 500;

	private final JobRepository repository;

	private final JobEvents events;

	private final JobObserver observer;

	private final Duration window;

	private final Clock clock;

	private final LinkedBlockingQueue<Finished> queue = new LinkedBlockingQueue<>();

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
		while (this.running || !this.queue.isEmpty()) {
			try {
				Finished first = this.queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				List<Finished> batch = new ArrayList<>();
				batch.add(first);
				long deadline = System.nanoTime() + this.window.toNanos();
				while (batch.size() < MAX_BATCH) {
					Finished next = this.queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
					if (next == null) {
						break;
					}
					batch.add(next);
				}
				flush(batch);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void flush(List<Finished> batch) {
		List<AttemptOutcome> outcomes = batch.stream().map(Finished::outcome).toList();
		Instant now = this.clock.instant();
		boolean[] applied;
		try {
			applied = this.repository.finish(outcomes, now);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record " + batch.size() + " job outcomes (" + ex + "); their messages are "
					+ "redelivered and the jobs run again");
			batch.forEach((finished) -> nak(finished.message(), Duration.ofSeconds(1)));
			return;
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
	 * Reports an attempt whose outcome did not apply: its job was given to a newer
	 * attempt (or ended) meanwhile. Its message is left to the newer attempt.
	 */
	void stale(Finished finished) {
		AttemptOutcome outcome = finished.outcome();
		logger.warn("Job " + outcome.id() + " (" + finished.type() + "): attempt " + outcome.attempt() + " ended ("
				+ outcome.state().columnValue() + ") after the job was given to a newer attempt (or failed as "
				+ "abandoned); its outcome is ignored, but its handler ran while the newer attempt may have run too");
		this.observer.staleAttempt(finished.type());
	}

	/**
	 * Acknowledges, or hands back for its retry, the message of an attempt whose outcome
	 * is committed, and reports the outcome.
	 */
	void settle(Finished finished, Instant now) {
		AttemptOutcome outcome = finished.outcome();
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

	private static void nak(Message message, Duration delay) {
		try {
			message.nakWithDelay(delay);
		}
		catch (RuntimeException ex) {
			// redelivered after the ack wait
		}
	}

	/**
	 * A finished attempt waiting to be recorded.
	 */
	record Finished(AttemptOutcome outcome, Message message, String type, String queue, Duration duration) {
	}

}
