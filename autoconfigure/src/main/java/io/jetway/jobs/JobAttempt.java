package io.jetway.jobs;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.jetway.consumer.InFlightMessages;
import io.jetway.jobs.JobRepository.ClaimedJob;
import io.jetway.jobs.JobsProperties.QueueProperties;
import io.nats.client.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The timeout of one attempt on a pool thread: it interrupts the attempt and stops its
 * in-progress acks; a handler that is still running {@code ack-wait} later (its message
 * is redelivered by then, and another attempt may take the job over) gives up its slot,
 * and the pool gets a thread in place of the one it blocks, up to the queue's concurrency
 * in such threads.
 */
final class JobAttempt {

	private static final Log logger = LogFactory.getLog(JobAttempt.class);

	private final ClaimedJob job;

	private final Message message;

	private final Thread thread = Thread.currentThread();

	private final String queue;

	private final QueueProperties properties;

	private final ScheduledExecutorService timers;

	private final InFlightMessages inFlight;

	private final JobSlots slots;

	private final JobThreadPool pool;

	private boolean timedOut;

	private boolean finished;

	private boolean abandoned;

	private @Nullable ScheduledFuture<?> clock;

	/**
	 * An attempt running on the calling thread.
	 */
	JobAttempt(ClaimedJob job, Message message, String queue, QueueProperties properties,
			ScheduledExecutorService timers, InFlightMessages inFlight, JobSlots slots, JobThreadPool pool) {
		this.job = job;
		this.message = message;
		this.queue = queue;
		this.properties = properties;
		this.timers = timers;
		this.inFlight = inFlight;
		this.slots = slots;
		this.pool = pool;
	}

	/** Starts the attempt's timeout, once: when its handler starts. */
	synchronized void startClock() {
		if (this.clock == null && !this.finished) {
			try {
				this.clock = this.timers.schedule(this::timeout, this.properties.getTimeout().toMillis(),
						TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// stopping: the handler is interrupted when the shutdown timeout ends
			}
		}
	}

	synchronized boolean timedOut() {
		return this.timedOut;
	}

	private synchronized void timeout() {
		if (this.finished) {
			return;
		}
		this.timedOut = true;
		this.thread.interrupt();
		// no more signs of life: a handler that ignores the interrupt loses the job to a
		// redelivery after the ack wait
		this.inFlight.remove(this.message);
		try {
			this.timers.schedule(this::abandon, this.properties.getAckWait().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

	private synchronized void abandon() {
		if (this.finished) {
			return;
		}
		if (!this.pool.addThread()) {
			logger.error("Job " + this.job.id() + " (" + this.job.type() + ") attempt " + this.job.attempt()
					+ " still runs " + this.properties.getAckWait() + " after its timeout of "
					+ this.properties.getTimeout() + " and ignores interrupts; already " + this.pool.abandonedThreads()
					+ " threads of queue " + this.queue + " are held like this, so it keeps its slot and the queue "
					+ "runs fewer jobs at once");
			return;
		}
		this.abandoned = true;
		logger.warn("Job " + this.job.id() + " (" + this.job.type() + ") attempt " + this.job.attempt() + " still runs "
				+ this.properties.getAckWait() + " after its timeout of " + this.properties.getTimeout()
				+ " and ignores interrupts: its slot is given up and the pool of queue " + this.queue
				+ " gets a thread in its place; the job is taken over by a redelivery of its message, "
				+ "and this attempt's outcome will be stale");
		this.slots.release(1);
	}

	/**
	 * Ends the attempt: its timeout no longer fires.
	 * @return whether the attempt still holds its slot (it was not abandoned)
	 */
	synchronized boolean finish() {
		this.finished = true;
		if (this.clock != null) {
			this.clock.cancel(false);
		}
		if (this.abandoned) {
			this.pool.removeThread();
		}
		return !this.abandoned;
	}

}
