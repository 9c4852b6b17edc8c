package io.jetway.jobs.ojs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Ends expired leases of external workers as failed attempts (retried or discarded like
 * any failure), on every instance; the fenced end of a lease makes one instance win.
 */
class OjsLeaseSweeper implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(OjsLeaseSweeper.class);

	private final OjsLeases leases;

	private final OjsWorkers workers;

	private final Duration interval;

	private final Clock clock;

	private @Nullable ScheduledExecutorService executor;

	OjsLeaseSweeper(OjsLeases leases, OjsWorkers workers, Duration interval, Clock clock) {
		this.leases = leases;
		this.workers = workers;
		this.interval = interval;
		this.clock = clock;
	}

	void sweep() {
		try {
			Instant now = this.clock.instant();
			for (OjsLeases.Lease lease : this.leases.expired(now, 100)) {
				if (this.workers.expire(lease, now)) {
					logger.info("Lease of attempt {} of job {} expired (worker {})", lease.attempt(), lease.jobId(),
							lease.workerId());
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Sweeping expired leases of external workers failed; trying again in {}: {}", this.interval,
					ex.getMessage());
		}
	}

	@Override
	public synchronized void start() {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "jetway-ojs-lease-sweeper");
			thread.setDaemon(true);
			return thread;
		});
		long millis = Math.max(10, this.interval.toMillis());
		scheduler.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
		this.executor = scheduler;
	}

	@Override
	public synchronized void stop() {
		ScheduledExecutorService scheduler = this.executor;
		if (scheduler != null) {
			scheduler.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
