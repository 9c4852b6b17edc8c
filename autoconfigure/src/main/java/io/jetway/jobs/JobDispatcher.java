package io.jetway.jobs;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.jetway.jobs.JobMessages.JobMessage;
import io.jetway.jobs.JobMessages.Outcome;
import io.jetway.support.RateLimitedWarning;
import io.nats.client.Connection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Publishes the messages of jobs that transactions of this instance committed, straight
 * from memory, on one thread: no outbox row is written, locked or marked for them. This
 * is the fast path only; the database stays the source of truth. A job whose message this
 * instance could not publish (it stopped, NATS stayed unreachable, or too many waited) is
 * published by {@link JobDispatchRecovery}, which finds it in {@code jetway_jobs}.
 */
public class JobDispatcher {

	private static final Log logger = LogFactory.getLog(JobDispatcher.class);

	private static final int MAX_QUEUED = 100_000;

	private static final long RETRY_DELAY_NANOS = Duration.ofSeconds(1).toNanos();

	private final JobMessages messages;

	private final Connection connection;

	private final int batchSize;

	private final long giveUpNanos;

	private final RateLimitedWarning failureWarning = new RateLimitedWarning(logger, Duration.ofMinutes(1));

	private final Object signal = new Object();

	private final ArrayDeque<Handed> queue = new ArrayDeque<>();

	private volatile boolean running;

	private long retryAt;

	private @Nullable Thread thread;

	/**
	 * @param messages publishes job messages
	 * @param connection the NATS connection; nothing is attempted while it is not
	 * connected
	 * @param batchSize the most messages published as one batch
	 * @param giveUpAfter how long a message is retried before it is left to the recovery
	 */
	JobDispatcher(JobMessages messages, Connection connection, int batchSize, Duration giveUpAfter) {
		this.messages = messages;
		this.connection = connection;
		this.batchSize = batchSize;
		this.giveUpNanos = giveUpAfter.toNanos();
	}

	/**
	 * Hands over the jobs a transaction just committed.
	 * @param jobs the jobs
	 */
	void committed(List<JobMessage> jobs) {
		long now = System.nanoTime();
		synchronized (this.signal) {
			if (this.queue.size() + jobs.size() > MAX_QUEUED) {
				logger.warn(jobs.size() + " job messages are left to the dispatch recovery: " + this.queue.size()
						+ " wait to be published already");
				return;
			}
			for (JobMessage job : jobs) {
				this.queue.add(new Handed(job, now));
			}
			this.signal.notifyAll();
		}
	}

	void start() {
		this.running = true;
		Thread dispatcher = new Thread(this::run, "jetway-jobs-dispatcher");
		this.thread = dispatcher;
		dispatcher.start();
	}

	/**
	 * Stops after one more attempt for what is queued; what is left then is published by
	 * the recovery of this or another instance.
	 */
	void stop() {
		this.running = false;
		synchronized (this.signal) {
			this.signal.notifyAll();
		}
		Thread dispatcher = this.thread;
		if (dispatcher != null) {
			try {
				dispatcher.join(30_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.thread = null;
		}
	}

	private void run() {
		while (this.running) {
			List<Handed> batch = take();
			try {
				if (!batch.isEmpty()) {
					publish(batch);
				}
			}
			catch (RuntimeException ex) {
				this.failureWarning.warn("The job dispatcher failed on " + batch.size()
						+ " job messages, which are left to the dispatch recovery: " + ex, ex);
			}
		}
		List<Handed> rest = take();
		while (!rest.isEmpty() && this.connection.getStatus() == Connection.Status.CONNECTED
				&& publish(rest) == rest.size()) {
			rest = take();
		}
	}

	/**
	 * Waits for jobs to publish (while running) and takes the next batch.
	 */
	private List<Handed> take() {
		synchronized (this.signal) {
			while (this.running && (this.queue.isEmpty() || System.nanoTime() < this.retryAt
					|| this.connection.getStatus() != Connection.Status.CONNECTED)) {
				try {
					this.signal.wait(this.queue.isEmpty() ? 0 : 100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					this.running = false;
				}
			}
			List<Handed> batch = new ArrayList<>(Math.min(this.batchSize, this.queue.size()));
			while (batch.size() < this.batchSize && !this.queue.isEmpty()) {
				batch.add(this.queue.poll());
			}
			return batch;
		}
	}

	/**
	 * @return how many were published
	 */
	private int publish(List<Handed> batch) {
		List<Outcome> outcomes = this.messages.publish(batch.stream().map(Handed::job).toList());
		List<Handed> retry = new ArrayList<>();
		int published = 0;
		int givenUp = 0;
		long now = System.nanoTime();
		for (int i = 0; i < batch.size(); i++) {
			Handed handed = batch.get(i);
			if (outcomes.get(i) != Outcome.FAILED) {
				published++;
			}
			else if (now - handed.at() < this.giveUpNanos) {
				retry.add(handed);
			}
			else {
				givenUp++;
			}
		}
		if (!retry.isEmpty() || givenUp > 0) {
			// NATS unreachable, slow, or the jobs stream electing a leader: a lasting
			// condition that would otherwise log every second; no job attempt is spent
			this.failureWarning.warn(batch.size() - published + " job messages could not be published (no PubAck: "
					+ "NATS unreachable or slow, or the jobs stream missing or without a leader); " + retry.size()
					+ " are retried in 1s"
					+ ((givenUp > 0) ? ", " + givenUp + " are left to the dispatch recovery" : ""));
			synchronized (this.signal) {
				for (int i = retry.size() - 1; i >= 0; i--) {
					this.queue.addFirst(retry.get(i));
				}
				this.retryAt = System.nanoTime() + RETRY_DELAY_NANOS;
			}
		}
		return published;
	}

	private record Handed(JobMessage job, long at) {
	}

}
