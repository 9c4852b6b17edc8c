package io.jetway.consumer;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * One run of a {@link ListenerContainer}, from a start to its stop: its worker pool, the
 * permits of the messages it may hold, the count of its active batches and its outage. A
 * batch keeps the run it was created in, so that one outliving a stop (a handler given up
 * on, a probe of the database) never runs in, nor frees a place of, the next run.
 */
final class ContainerRun {

	private static final Log logger = LogFactory.getLog(ContainerRun.class);

	private final String consumer;

	private final int concurrency;

	private final ThreadPoolExecutor workers;

	private final Semaphore permits;

	/** Batches handed to the pool and neither finished nor given up on. */
	private final AtomicInteger activeBatches = new AtomicInteger();

	private final InfrastructureOutage outage;

	/** Worker threads added in place of hung ones that have not returned. */
	private int replacements;

	private volatile boolean active = true;

	/** Notified when the run stops. */
	private final Object stopped = new Object();

	ContainerRun(String consumer, int concurrency, int permits) {
		this.consumer = consumer;
		this.concurrency = concurrency;
		this.permits = new Semaphore(permits);
		this.outage = new InfrastructureOutage(consumer);
		this.workers = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), new CustomizableThreadFactory("jetway-consumer-" + consumer + "-"));
	}

	/** Whether the run was not stopped. */
	boolean isActive() {
		return this.active;
	}

	void stop() {
		synchronized (this.stopped) {
			this.active = false;
			this.stopped.notifyAll();
		}
	}

	/**
	 * Waits for {@code delay} unless the run stops first.
	 * @return whether the run is still active
	 */
	boolean waitUnlessStopped(Duration delay) {
		long deadline = System.nanoTime() + delay.toNanos();
		synchronized (this.stopped) {
			while (this.active) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					break;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.stopped, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
		return this.active;
	}

	ThreadPoolExecutor workers() {
		return this.workers;
	}

	Semaphore permits() {
		return this.permits;
	}

	InfrastructureOutage outage() {
		return this.outage;
	}

	/** Hands a new batch to the pool; it must be {@link #release released}. */
	void submit(Runnable batch) {
		this.activeBatches.incrementAndGet();
		this.workers.execute(batch);
	}

	/** Frees the place of a batch holding {@code batchPermits}. */
	void release(int batchPermits) {
		this.permits.release(batchPermits);
		this.activeBatches.decrementAndGet();
	}

	/**
	 * Waits for the batches handed to the pool to finish; handlers given up on are not
	 * waited for.
	 * @return whether they all finished in time
	 */
	boolean awaitBatches(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.activeBatches.get() > 0) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	/**
	 * A worker thread was given up on: another takes its place, up to {@code concurrency}
	 * replacements at a time.
	 * @return whether a worker was added
	 */
	synchronized boolean addWorker() {
		if (this.replacements >= this.concurrency) {
			logger.error("Consumer " + this.consumer + ": " + this.replacements
					+ " handler threads given up on still run; no further thread replaces a hung one, so the "
					+ "consumer runs with fewer workers until they return (jetway.consumers." + this.consumer
					+ ".handler-timeout). Make the handler respond to interruption (or bound its blocking calls).");
			return false;
		}
		this.replacements++;
		this.workers.setMaximumPoolSize(this.workers.getMaximumPoolSize() + 1);
		this.workers.setCorePoolSize(this.workers.getCorePoolSize() + 1);
		return true;
	}

	/** A worker thread given up on came back: the pool shrinks again. */
	synchronized void removeWorker() {
		this.replacements--;
		this.workers.setCorePoolSize(this.workers.getCorePoolSize() - 1);
		this.workers.setMaximumPoolSize(this.workers.getMaximumPoolSize() - 1);
	}

}
