package io.jetway.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.jetway.jobs.JobRetentionRepository.Cutoffs;
import io.jetway.support.JetwayConfigurationException;
import io.jetway.support.PeriodicTask;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Deletes finished jobs past their age ({@code jetway.jobs.retention.*}) in bounded
 * batches, queue by queue, oldest first. Completed jobs go {@code succeeded} after they
 * completed; failed and cancelled jobs {@code failed} after they ended (and after their
 * run time). Kept whatever their age: unfinished jobs, jobs whose webhook delivery is
 * pending, and jobs with an idempotency key enqueued less than
 * {@code idempotency-key-window} ago. Each batch is one transaction that locks the rows
 * it deletes and skips rows another transaction holds, so instances that clean up at the
 * same time neither delete a row twice nor wait for each other (H2, which cannot skip
 * locked rows, waits).
 */
public class JobRetention implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(JobRetention.class);

	/** Before every job: where the walk of a queue starts. */
	private static final Instant START = Instant.EPOCH;

	private final JobRetentionRepository repository;

	private final JobsProperties.Retention properties;

	private final Clock clock;

	private final PeriodicTask timer;

	JobRetention(JobRetentionRepository repository, JobsProperties.Retention properties, Clock clock) {
		this.repository = repository;
		this.properties = properties;
		this.clock = clock;
		this.timer = new PeriodicTask("jetway-jobs-retention", properties.getCleanupInterval(), this::cleanUp);
	}

	/**
	 * Deletes every finished job past its age now, in batches of {@code batch-size}.
	 * Within a queue each batch continues where the previous one stopped, so jobs that
	 * are kept are read once per run, not once per batch.
	 * @return how many jobs were deleted
	 */
	public int cleanUp() {
		long started = System.nanoTime();
		Cutoffs cutoffs = Cutoffs.at(this.clock.instant(), this.properties);
		int batchSize = this.properties.getBatchSize();
		int total = 0;
		for (String queue : this.repository.queues()) {
			Instant from = START;
			List<Instant> deleted;
			do {
				deleted = this.repository.delete(queue, from, cutoffs, batchSize);
				total += deleted.size();
				for (Instant createdAt : deleted) {
					from = createdAt.isAfter(from) ? createdAt : from;
				}
			}
			while (deleted.size() >= batchSize);
		}
		if (total > 0 && logger.isInfoEnabled()) {
			logger.info("Job retention deleted " + total + " finished jobs (completed before "
					+ cutoffs.succeededBefore() + ", failed or cancelled before " + cutoffs.failedBefore() + ") in "
					+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
		}
		return total;
	}

	/**
	 * Refuses settings the retention cannot run with, naming the property.
	 * @return the settings
	 */
	static JobsProperties.Retention check(JobsProperties.Retention retention) {
		checkDuration("succeeded", retention.getSucceeded(), "7d");
		checkDuration("failed", retention.getFailed(), "30d");
		checkDuration("cleanup-interval", retention.getCleanupInterval(), "5m");
		Duration window = retention.getIdempotencyKeyWindow();
		if (window.isNegative() || window.compareTo(JobsAutoConfiguration.MAX_QUEUE_DURATION) > 0) {
			throw new JetwayConfigurationException("The idempotency key window " + window + " is out of range",
					"jetway.jobs.retention.idempotency-key-window", "Set a duration from 0 to "
							+ JobsAutoConfiguration.MAX_QUEUE_DURATION.toDays() + " days (default 24h).",
					null);
		}
		if (retention.getBatchSize() < 1) {
			throw new JetwayConfigurationException("The job retention batch size is " + retention.getBatchSize(),
					"jetway.jobs.retention.batch-size", "Set it to 1 or more (default 1000).", null);
		}
		return retention;
	}

	private static void checkDuration(String name, Duration value, String byDefault) {
		if (value.isNegative() || value.isZero() || value.compareTo(JobsAutoConfiguration.MAX_QUEUE_DURATION) > 0) {
			throw new JetwayConfigurationException("The job retention duration " + value + " is out of range",
					"jetway.jobs.retention." + name,
					"Set a positive duration up to " + JobsAutoConfiguration.MAX_QUEUE_DURATION.toDays()
							+ " days (default " + byDefault + "), or jetway.jobs.retention.enabled=false to keep "
							+ "every job.",
					null);
		}
	}

	@Override
	public void start() {
		this.timer.start(this.properties.getCleanupInterval());
	}

	@Override
	public void stop() {
		this.timer.stop(Duration.ofSeconds(10));
	}

	@Override
	public boolean isRunning() {
		return this.timer.isRunning();
	}

}
