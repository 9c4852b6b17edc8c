package io.jetway.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meter of the job dispatch recovery (direct dispatch on PostgreSQL only):
 * {@code jetway.jobs.dispatch.recovery.held.back}, how long in seconds the oldest
 * transaction still running in the PostgreSQL cluster has held the recovery back (zero
 * when none runs; read every {@code jetway.jobs.dispatch.recovery-interval}).
 */
public class JobDispatchMetrics implements MeterBinder {

	private final JobDispatch dispatch;

	public JobDispatchMetrics(JobDispatch dispatch) {
		this.dispatch = dispatch;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		JobDispatchRecovery recovery = this.dispatch.recovery();
		if (recovery == null) {
			return;
		}
		Gauge
			.builder("jetway.jobs.dispatch.recovery.held.back", recovery,
					(watched) -> watched.heldBack().toMillis() / 1000.0)
			.description("How long the oldest transaction still running in the PostgreSQL cluster has held the job "
					+ "dispatch recovery back")
			.baseUnit("seconds")
			.register(registry);
	}

}
