package io.jetway.consumer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.jetway.topology.Namespace;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.nats.client.JetStreamManagement;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters per consumer (tag {@code consumer}): counters
 * {@code jetway.consumer.handled}, {@code jetway.consumer.duplicates},
 * {@code jetway.consumer.failed} (redelivered after a failure),
 * {@code jetway.consumer.dead.lettered}, the {@code jetway.consumer.handler} timer, and
 * the {@code jetway.consumer.lag} gauge (messages the consumer has not been delivered
 * yet, read from the server at most every 5 seconds).
 */
public class ConsumerMetrics implements MeterBinder, ConsumerObserver {

	private final JetwayConsumersProperties properties;

	private final Namespace namespace;

	private final JetStreamManagement management;

	private final Map<String, Meters> meters = new ConcurrentHashMap<>();

	private volatile @Nullable MeterRegistry registry;

	public ConsumerMetrics(JetwayConsumersProperties properties, Namespace namespace, JetStreamManagement management) {
		this.properties = properties;
		this.namespace = namespace;
		this.management = management;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		this.properties.getConsumers().forEach((name, settings) -> {
			meters(name);
			String stream = this.namespace.streamName(String.valueOf(settings.getStream()));
			Gauge.builder("jetway.consumer.lag", new LagProbe(this.management, stream, name), LagProbe::pending)
				.description("Messages not yet delivered to the consumer")
				.tag("consumer", name)
				.strongReference(true)
				.register(registry);
		});
	}

	@Override
	public void handled(String consumer) {
		Meters meters = meters(consumer);
		if (meters != null) {
			meters.handled.increment();
		}
	}

	@Override
	public void duplicate(String consumer) {
		Meters meters = meters(consumer);
		if (meters != null) {
			meters.duplicates.increment();
		}
	}

	@Override
	public void failed(String consumer) {
		Meters meters = meters(consumer);
		if (meters != null) {
			meters.failed.increment();
		}
	}

	@Override
	public void deadLettered(String consumer) {
		Meters meters = meters(consumer);
		if (meters != null) {
			meters.deadLettered.increment();
		}
	}

	@Override
	public void handlerTime(String consumer, Duration time, int messages) {
		Meters meters = meters(consumer);
		if (meters != null) {
			meters.handler.record(time.dividedBy(Math.max(1, messages)));
		}
	}

	private @Nullable Meters meters(String consumer) {
		MeterRegistry current = this.registry;
		if (current == null) {
			return null;
		}
		return this.meters.computeIfAbsent(consumer, (name) -> new Meters(current, name));
	}

	private static final class Meters {

		final Counter handled;

		final Counter duplicates;

		final Counter failed;

		final Counter deadLettered;

		final Timer handler;

		Meters(MeterRegistry registry, String consumer) {
			this.handled = Counter.builder("jetway.consumer.handled").tag("consumer", consumer).register(registry);
			this.duplicates = Counter.builder("jetway.consumer.duplicates")
				.tag("consumer", consumer)
				.register(registry);
			this.failed = Counter.builder("jetway.consumer.failed").tag("consumer", consumer).register(registry);
			this.deadLettered = Counter.builder("jetway.consumer.dead.lettered")
				.tag("consumer", consumer)
				.register(registry);
			this.handler = Timer.builder("jetway.consumer.handler")
				.tag("consumer", consumer)
				.publishPercentiles(0.5, 0.99)
				.register(registry);
		}

	}

	private static final class LagProbe {

		private final JetStreamManagement management;

		private final String stream;

		private final String consumer;

		private volatile long readAt;

		private volatile double pending;

		LagProbe(JetStreamManagement management, String stream, String consumer) {
			this.management = management;
			this.stream = stream;
			this.consumer = consumer;
		}

		double pending() {
			long now = System.nanoTime();
			if (now - this.readAt > Duration.ofSeconds(5).toNanos()) {
				try {
					this.pending = this.management.getConsumerInfo(this.stream, this.consumer).getNumPending();
				}
				catch (Exception ex) {
					this.pending = Double.NaN;
				}
				this.readAt = now;
			}
			return this.pending;
		}

	}

}
