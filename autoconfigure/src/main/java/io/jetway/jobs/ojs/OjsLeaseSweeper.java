package io.jetway.jobs.ojs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

	/** How often the states of silent workers are forgotten, at most. */
	private static final Duration FORGET_INTERVAL = Duration.ofMinutes(1);

	private final Clock clock;

	private final Duration workerStateRetention;

	private @Nullable ScheduledExecutorService executor;

	private Instant nextForget = Instant.MIN;

	/**
	 * @param workerStateRetention {@code jetway.jobs.ojs.worker-state-retention}
	 */
	OjsLeaseSweeper(OjsLeases leases, OjsWorkers workers, Duration interval, Duration workerStateRetention,
			Clock clock) {
		this.leases = leases;
		this.workers = workers;
		this.interval = interval;
		this.workerStateRetention = workerStateRetention;
		this.clock = clock;
	}

	void sweep() {
		Instant now = this.clock.instant();
		List<OjsLeases.Lease> expired;
		try {
			expired = this.leases.expired(now, 100);
		}
		catch (RuntimeException ex) {
			logger.warn("Sweeping expired leases of external workers failed; trying again in {}: {}", this.interval,
					ex.getMessage());
			return;
		}
		for (OjsLeases.Lease lease : expired) {
			// one lease that cannot end must not keep the others from ending
			try {
				if (this.workers.expire(lease, now)) {
					logger.info("Lease of attempt {} of job {} expired (worker {})", lease.attempt(), lease.jobId(),
							lease.workerId());
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Ending the expired lease of attempt {} of job {} failed; trying again in {}: {}",
						lease.attempt(), lease.jobId(), this.interval, ex.getMessage());
			}
		}
		if (!now.isBefore(this.nextForget)) {
			this.nextForget = now.plus(FORGET_INTERVAL);
			forgetSilentWorkers(now);
		}
	}

	/**
	 * Forgets the states of workers silent for longer than
	 * {@code jetway.jobs.ojs.worker-state-retention}.
	 */
	void forgetSilentWorkers(Instant now) {
		try {
			int forgotten = this.workers.forgetWorkersSilentSince(now.minus(this.workerStateRetention));
			if (forgotten > 0) {
				logger.info("Forgot the states of {} external workers silent for more than {}", forgotten,
						this.workerStateRetention);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Forgetting the states of silent external workers failed: {}", ex.getMessage());
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
