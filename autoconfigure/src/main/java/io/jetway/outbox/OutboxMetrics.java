package io.jetway.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.jetway.outbox.OutboxRepository.PendingStatistics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of the outbox, all registered when bound:
 * {@code jetway.outbox.pending} (rows waiting), {@code jetway.outbox.oldest.pending.age}
 * (seconds), the {@code jetway.outbox.attempts} counter of the relay's publish attempts
 * by {@code outcome} ({@code published}, {@code failed} and retried later,
 * {@code given_up}: failed and out of attempts), and the {@code jetway.outbox.latency}
 * timer from the publish call to the PubAck. The gauges query the table at most once per
 * {@code refresh}. The catalogue is in docs/operations.md.
 */
public class OutboxMetrics implements MeterBinder, OutboxObserver {

	private final OutboxRepository repository;

	private final Clock clock;

	private final Duration refresh;

	private final AtomicReference<Sample> sample = new AtomicReference<>(new Sample(Instant.MIN, 0, null));

	private volatile OutboxObserver delegate = OutboxObserver.NONE;

	public OutboxMetrics(OutboxRepository repository, Clock clock, Duration refresh) {
		this.repository = repository;
		this.clock = clock;
		this.refresh = refresh;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("jetway.outbox.pending", this, (metrics) -> metrics.current().count())
			.description("Outbox rows waiting to be published")
			.register(registry);
		Gauge.builder("jetway.outbox.oldest.pending.age", this, (metrics) -> metrics.oldestAgeSeconds())
			.description("Age of the oldest pending outbox row")
			.baseUnit("seconds")
			.register(registry);
		Counter published = attempts(registry, "published");
		Counter failed = attempts(registry, "failed");
		Counter givenUp = attempts(registry, "given_up");
		Timer latency = Timer.builder("jetway.outbox.latency")
			.description("Time from the publish call to the PubAck")
			.publishPercentiles(0.5, 0.99)
			.register(registry);
		this.delegate = new OutboxObserver() {

			@Override
			public void published(List<OutboxRecord> records, List<Duration> latencies) {
				published.increment(records.size());
				for (Duration each : latencies) {
					latency.record(each);
				}
			}

			@Override
			public void failed(int count, int gaveUp) {
				failed.increment(count - gaveUp);
				givenUp.increment(gaveUp);
			}

		};
	}

	private static Counter attempts(MeterRegistry registry, String outcome) {
		return Counter.builder("jetway.outbox.attempts")
			.description("Publish attempts of outbox rows by the relay, by outcome")
			.tag("outcome", outcome)
			.register(registry);
	}

	@Override
	public void published(List<OutboxRecord> records, List<Duration> latencies) {
		this.delegate.published(records, latencies);
	}

	@Override
	public void failed(int count, int givenUp) {
		this.delegate.failed(count, givenUp);
	}

	private double oldestAgeSeconds() {
		PendingStatistics current = current();
		return (current.oldestCreatedAt() != null)
				? Duration.between(current.oldestCreatedAt(), this.clock.instant()).toMillis() / 1000.0 : 0;
	}

	private PendingStatistics current() {
		Sample last = this.sample.get();
		Instant now = this.clock.instant();
		if (last.takenAt().plus(this.refresh).isBefore(now)) {
			PendingStatistics statistics = this.repository.pendingStatistics();
			last = new Sample(now, statistics.count(), statistics.oldestCreatedAt());
			this.sample.set(last);
		}
		return new PendingStatistics(last.count(), last.oldest());
	}

	private record Sample(Instant takenAt, long count, @Nullable Instant oldest) {
	}

}
