package io.jetway.jobs;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of jobs: {@code jetway.jobs} gauge per {@code state} (read from the
 * table at most every 5 seconds), {@code jetway.jobs.enqueued},
 * {@code jetway.jobs.completed}, {@code jetway.jobs.failed} and {@code jetway.jobs.stale}
 * (attempts that ended after their job was given to a newer attempt) counters and the
 * {@code jetway.jobs.duration} timer, all per {@code type}.
 */
public class JobMetrics implements MeterBinder, JobObserver {

	private final JobRepository repository;

	private volatile @Nullable MeterRegistry registry;

	private volatile Map<JobState, Long> counts = new EnumMap<>(JobState.class);

	private volatile long readAt;

	public JobMetrics(JobRepository repository) {
		this.repository = repository;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		for (JobState state : JobState.values()) {
			Gauge.builder("jetway.jobs", this, (metrics) -> metrics.count(state))
				.description("Jobs by state")
				.tag("state", state.columnValue())
				.register(registry);
		}
	}

	@Override
	public void enqueued(String type) {
		MeterRegistry current = this.registry;
		if (current != null) {
			Counter.builder("jetway.jobs.enqueued").tag("type", type).register(current).increment();
		}
	}

	@Override
	public void completed(String type, Duration duration) {
		MeterRegistry current = this.registry;
		if (current != null) {
			Counter.builder("jetway.jobs.completed").tag("type", type).register(current).increment();
			Timer.builder("jetway.jobs.duration").tag("type", type).register(current).record(duration);
		}
	}

	@Override
	public void failed(String type, Duration duration, boolean retrying) {
		MeterRegistry current = this.registry;
		if (current != null) {
			Counter.builder("jetway.jobs.failed")
				.tag("type", type)
				.tag("final", Boolean.toString(!retrying))
				.register(current)
				.increment();
			Timer.builder("jetway.jobs.duration").tag("type", type).register(current).record(duration);
		}
	}

	@Override
	public void staleAttempt(String type) {
		MeterRegistry current = this.registry;
		if (current != null) {
			Counter.builder("jetway.jobs.stale")
				.description("Job attempts that ended after their job was given to a newer attempt")
				.tag("type", type)
				.register(current)
				.increment();
		}
	}

	private double count(JobState state) {
		long now = System.nanoTime();
		if (this.readAt == 0 || now - this.readAt > Duration.ofSeconds(5).toNanos()) {
			try {
				Map<JobState, Long> fresh = new EnumMap<>(JobState.class);
				fresh.putAll(this.repository.countByState());
				this.counts = fresh;
			}
			catch (RuntimeException ex) {
				// keep the last counts
			}
			this.readAt = now;
		}
		return this.counts.getOrDefault(state, 0L);
	}

}
