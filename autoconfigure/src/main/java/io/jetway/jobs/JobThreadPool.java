package io.jetway.jobs;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The threads a queue's handlers run on: as many as its concurrency, plus one for each
 * attempt that ignores its timeout and gave up its slot, up to the concurrency in such
 * threads.
 */
final class JobThreadPool {

	private final int concurrency;

	private final ThreadPoolExecutor executor;

	/** Whether the stop interrupts the running handlers (set before it does). */
	private volatile boolean interruptedByStop;

	/** Threads blocked by attempts that ignore their timeout (guarded by this). */
	private int abandonedThreads;

	JobThreadPool(String queue, int concurrency) {
		this.concurrency = concurrency;
		this.executor = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), new CustomizableThreadFactory("jetway-jobs-" + queue + "-"));
	}

	/**
	 * @throws java.util.concurrent.RejectedExecutionException when stopping
	 */
	void execute(Runnable task) {
		this.executor.execute(task);
	}

	/**
	 * Grows the pool by a thread in place of one an abandoned attempt blocks, within the
	 * bound.
	 * @return whether it grew
	 */
	synchronized boolean addThread() {
		if (this.executor.isShutdown() || this.abandonedThreads >= this.concurrency) {
			return false;
		}
		this.abandonedThreads++;
		this.executor.setMaximumPoolSize(this.executor.getMaximumPoolSize() + 1);
		this.executor.setCorePoolSize(this.executor.getCorePoolSize() + 1);
		return true;
	}

	/** Shrinks the pool again once an abandoned attempt returned. */
	synchronized void removeThread() {
		this.abandonedThreads--;
		if (!this.executor.isShutdown()) {
			this.executor.setCorePoolSize(this.executor.getCorePoolSize() - 1);
			this.executor.setMaximumPoolSize(this.executor.getMaximumPoolSize() - 1);
		}
	}

	synchronized int abandonedThreads() {
		return this.abandonedThreads;
	}

	/**
	 * @return whether the stop interrupted (or is about to interrupt) the running
	 * handlers
	 */
	boolean interruptedByStop() {
		return this.interruptedByStop;
	}

	/**
	 * Waits up to {@code timeout} for running tasks, then interrupts them.
	 * @param neverStarted receives the tasks that never started
	 */
	void stop(Duration timeout, Consumer<List<Runnable>> neverStarted) {
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.interruptedByStop = true;
				neverStarted.accept(this.executor.shutdownNow());
				this.executor.awaitTermination(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.interruptedByStop = true;
			neverStarted.accept(this.executor.shutdownNow());
		}
	}

}
