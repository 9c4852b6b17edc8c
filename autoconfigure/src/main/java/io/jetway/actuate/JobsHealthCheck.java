package io.jetway.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.jetway.actuate.JetwayHealthProperties.Jobs;
import io.jetway.jobs.JobDispatch;
import io.jetway.jobs.JobsProperties;

/**
 * Degraded while a job has run longer than its queue's timeout plus
 * {@code jetway.health.jobs.stuck-after-timeout} (its worker died or hangs outside the
 * handler), or while an open transaction has held the job dispatch recovery back longer
 * than {@code jetway.health.jobs.max-dispatch-recovery-held-back}; down when the database
 * does not answer.
 */
class JobsHealthCheck implements JetwayHealthCheck {

	private final TableReads tables;

	private final JobsProperties jobs;

	private final JobDispatch dispatch;

	private final Jobs thresholds;

	private final Clock clock;

	JobsHealthCheck(TableReads tables, JobsProperties jobs, JobDispatch dispatch, Jobs thresholds, Clock clock) {
		this.tables = tables;
		this.jobs = jobs;
		this.dispatch = dispatch;
		this.thresholds = thresholds;
		this.clock = clock;
	}

	@Override
	public String name() {
		return "jobs";
	}

	@Override
	public Result check() {
		Instant now = this.clock.instant();
		Map<String, Long> stuck = new TreeMap<>();
		this.tables.runningJobs().forEach((queue, startedAt) -> {
			long count = stuck(queue, startedAt, now);
			if (count > 0) {
				stuck.put(queue, count);
			}
		});
		Duration heldBack = this.dispatch.recoveryHeldBack();
		return Result.builder()
			.degradedIf(!stuck.isEmpty())
			.degradedIf(heldBack.compareTo(this.thresholds.getMaxDispatchRecoveryHeldBack()) > 0)
			.detail("stuck", stuck)
			.detail("dispatchRecoveryHeldBackSeconds", heldBack.toSeconds())
			.build();
	}

	private long stuck(String queue, List<Instant> startedAt, Instant now) {
		Duration timeout = this.jobs.queue(queue).getTimeout();
		if (timeout.isZero()) {
			return 0;
		}
		Instant before = now.minus(timeout).minus(this.thresholds.getStuckAfterTimeout());
		return startedAt.stream().filter((started) -> started.isBefore(before)).count();
	}

}
