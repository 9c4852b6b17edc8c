package io.jetway.jobs;

import java.util.concurrent.TimeUnit;

/**
 * Counts the jobs a worker holds (fetched or claimed and not yet finished) against its
 * limit: the queue's concurrency, plus as many again while its handlers are short. Then
 * the next batch is fetched and claimed while the current one runs, instead of after it:
 * without that, a fetch and a claim (a round trip to NATS and one to the database) per
 * batch bound a queue of short jobs. Handlers never run more than the concurrency at once
 * (the worker's thread pool has that many threads); a job held beyond them waits in this
 * instance for at most about one short handler run.
 */
final class JobSlots {

	/** Handlers that take longer than this on average get no jobs held ahead for them. */
	static final long SHORT_HANDLER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private static final long BATCHING_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private final int concurrency;

	private int held;

	/** Moving average of handler run times; starts long, so nothing is held ahead. */
	private double averageNanos = SHORT_HANDLER_NANOS * 10.0;

	JobSlots(int concurrency) {
		this.concurrency = Math.max(1, concurrency);
	}

	/**
	 * Waits up to {@code timeoutMillis} for a free slot, then briefly for half the limit
	 * to be free (so that one pull and one claim serve several jobs), and takes the free
	 * slots.
	 * @return how many were taken, 0 if none came free in time
	 */
	synchronized int take(long timeoutMillis) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		while (free() <= 0) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return 0;
			}
			TimeUnit.NANOSECONDS.timedWait(this, left);
		}
		long batchingDeadline = System.nanoTime() + BATCHING_WAIT_NANOS;
		while (free() < Math.max(1, limit() / 2)) {
			long left = batchingDeadline - System.nanoTime();
			if (left <= 0) {
				break;
			}
			TimeUnit.NANOSECONDS.timedWait(this, left);
		}
		// the limit may have dropped meanwhile (handlers got slower)
		int taken = Math.max(0, free());
		this.held += taken;
		return taken;
	}

	/** Gives back slots of jobs that will not run here. */
	synchronized void release(int count) {
		this.held -= count;
		notifyAll();
	}

	/** Gives back the slot of a job whose handler returned after {@code nanos}. */
	synchronized void finished(long nanos) {
		this.averageNanos += (nanos - this.averageNanos) * 0.1;
		release(1);
	}

	private int limit() {
		return (this.averageNanos < SHORT_HANDLER_NANOS) ? this.concurrency * 2 : this.concurrency;
	}

	private int free() {
		return limit() - this.held;
	}

}
