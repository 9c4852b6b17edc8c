package io.jetway.consumer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.jetway.consumer.JetwayConsumersProperties.ConsumerProperties;
import io.jetway.topology.Namespace;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters per consumer (tags {@code consumer} and {@code stream}), all
 * registered when bound for every consumer under {@code jetway.consumers}: the
 * {@code jetway.consumer.messages} counter by {@code outcome} ({@code handled},
 * {@code duplicate}, {@code failed}: redelivered after a failure, or terminated when
 * dead-lettering is off, {@code dead_lettered}), the {@code jetway.consumer.handler}
 * timer, and the {@code jetway.consumer.lag} (messages the consumer has not been
 * delivered yet) and {@code jetway.consumer.ack.pending} (delivered, not acknowledged
 * yet) gauges, read from the server at most every 5 seconds. The catalogue is in
 * docs/operations.md.
 */
public class ConsumerMetrics implements MeterBinder, ConsumerObserver {

	private static final Duration SERVER_READ_INTERVAL = Duration.ofSeconds(5);

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
			Meters meters = meters(name);
			if (meters == null) {
				return;
			}
			ConsumerInfoProbe probe = new ConsumerInfoProbe(this.management, meters.stream, name);
			gauge(registry, "jetway.consumer.lag", "Messages not yet delivered to the consumer", meters.tags, probe,
					ConsumerInfoProbe::lag);
			gauge(registry, "jetway.consumer.ack.pending",
					"Messages delivered to the consumer and not acknowledged yet", meters.tags, probe,
					ConsumerInfoProbe::ackPending);
		});
	}

	private static void gauge(MeterRegistry registry, String name, String description, Tags tags,
			ConsumerInfoProbe probe, ToDoubleFunction<ConsumerInfoProbe> value) {
		Gauge.builder(name, probe, value).description(description).tags(tags).strongReference(true).register(registry);
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
		return this.meters.computeIfAbsent(consumer, (name) -> new Meters(current, name, streamOf(name)));
	}

	private String streamOf(String consumer) {
		ConsumerProperties settings = this.properties.getConsumers().get(consumer);
		String stream = (settings != null) ? settings.getStream() : null;
		return (stream != null) ? this.namespace.streamName(stream) : "unknown";
	}

	private static final class Meters {

		final String stream;

		final Tags tags;

		final Counter handled;

		final Counter duplicates;

		final Counter failed;

		final Counter deadLettered;

		final Timer handler;

		Meters(MeterRegistry registry, String consumer, String stream) {
			this.stream = stream;
			this.tags = Tags.of("consumer", consumer, "stream", stream);
			this.handled = messages(registry, "handled");
			this.duplicates = messages(registry, "duplicate");
			this.failed = messages(registry, "failed");
			this.deadLettered = messages(registry, "dead_lettered");
			this.handler = Timer.builder("jetway.consumer.handler")
				.description("Time the consumer's handler took per message")
				.tags(this.tags)
				.publishPercentiles(0.5, 0.99)
				.register(registry);
		}

		private Counter messages(MeterRegistry registry, String outcome) {
			return Counter.builder("jetway.consumer.messages")
				.description("Messages the consumer settled, by outcome")
				.tags(this.tags)
				.tag("outcome", outcome)
				.register(registry);
		}

	}

	private static final class ConsumerInfoProbe {

		private final JetStreamManagement management;

		private final String stream;

		private final String consumer;

		private volatile long readAt;

		private volatile double lag;

		private volatile double ackPending;

		ConsumerInfoProbe(JetStreamManagement management, String stream, String consumer) {
			this.management = management;
			this.stream = stream;
			this.consumer = consumer;
			this.readAt = System.nanoTime() - SERVER_READ_INTERVAL.toNanos() - 1;
		}

		double lag() {
			read();
			return this.lag;
		}

		double ackPending() {
			read();
			return this.ackPending;
		}

		private synchronized void read() {
			long now = System.nanoTime();
			if (now - this.readAt > SERVER_READ_INTERVAL.toNanos()) {
				try {
					ConsumerInfo info = this.management.getConsumerInfo(this.stream, this.consumer);
					this.lag = info.getNumPending();
					this.ackPending = info.getNumAckPending();
				}
				catch (Exception ex) {
					this.lag = Double.NaN;
					this.ackPending = Double.NaN;
				}
				this.readAt = now;
			}
		}

	}

}
