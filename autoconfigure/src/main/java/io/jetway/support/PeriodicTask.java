package io.jetway.support;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs a task on a thread of its own with a fixed delay between runs, until stopped. A
 * failing run is logged (once a minute while it keeps failing) and the next run happens
 * as planned. Used by the background loops that poll the database (cron, webhooks, inbox
 * retention).
 */
public final class PeriodicTask {

	private static final Log logger = LogFactory.getLog(PeriodicTask.class);

	private final String name;

	private final Duration interval;

	private final Runnable task;

	private final RateLimitedWarning failureWarning = new RateLimitedWarning(logger, Duration.ofMinutes(1));

	private @Nullable ScheduledExecutorService executor;

	/**
	 * @param name names the thread and the log messages, such as
	 * {@code jetway-jobs-scheduler}
	 * @param interval the delay between the end of a run and the start of the next
	 * @param task what to run
	 */
	public PeriodicTask(String name, Duration interval, Runnable task) {
		this.name = name;
		this.interval = interval;
		this.task = task;
	}

	public synchronized void start(Duration initialDelay) {
		if (this.executor != null) {
			return;
		}
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
				new CustomizableThreadFactory(this.name + "-"));
		timer.scheduleWithFixedDelay(this::runOnce, initialDelay.toMillis(), this.interval.toMillis(),
				TimeUnit.MILLISECONDS);
		this.executor = timer;
	}

	/**
	 * Stops after the run in progress, waiting for it at most {@code timeout}.
	 */
	public synchronized void stop(Duration timeout) {
		ScheduledExecutorService timer = this.executor;
		if (timer == null) {
			return;
		}
		timer.shutdown();
		try {
			if (!timer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				timer.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			timer.shutdownNow();
		}
		this.executor = null;
	}

	public synchronized boolean isRunning() {
		return this.executor != null;
	}

	private void runOnce() {
		try {
			this.task.run();
			this.failureWarning.clear(this.name + " works again");
		}
		catch (RuntimeException ex) {
			this.failureWarning.warn(this.name + " failed and runs again every " + this.interval + ": " + ex, ex);
		}
	}

}
