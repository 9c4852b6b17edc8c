package io.jetway.consumer;

import java.time.Duration;

import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Outbox and consumer meters in a Micrometer registry (all of them:
 * {@code io.jetway.MetricsCatalogueTests}).
 */
class JetwayMetricsTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@Test
	void outboxAndConsumerMetersCountWhatHappened() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.H2);
		ConsumerTestSupport.reset(database, nats.url());
		withMetrics(database).withUserConfiguration(ConsumerTests.FailOnceListener.class)
			.withPropertyValues("jetway.consumers.fail-once.stream=ORDERS", "jetway.consumers.fail-once.backoff=100ms")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				context.getBean(TransactionTemplate.class)
					.executeWithoutResult(
							(status) -> publisher.publish("orders.created", new ConsumerTests.Order("o-1", 1)));
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> messages(registry, "handled") == 1);
				assertThat(messages(registry, "failed")).isEqualTo(1);
				assertThat(messages(registry, "duplicate")).isZero();
				assertThat(messages(registry, "dead_lettered")).isZero();
				assertThat(registry.get("jetway.consumer.handler").tag("consumer", "fail-once").timer().count())
					.isEqualTo(2);
				// lag and pending acks are read from the server at most every 5 seconds
				await().atMost(Duration.ofSeconds(12))
					.until(() -> registry.get("jetway.consumer.lag").tag("consumer", "fail-once").gauge().value() == 0
							&& registry.get("jetway.consumer.ack.pending")
								.tag("consumer", "fail-once")
								.gauge()
								.value() == 0);
				assertThat(registry.get("jetway.outbox.attempts").tag("outcome", "published").counter().count())
					.isEqualTo(1);
				assertThat(registry.get("jetway.outbox.attempts").tag("outcome", "failed").counter().count()).isZero();
				assertThat(registry.get("jetway.outbox.latency").timer().count()).isEqualTo(1);
				// the pending gauge queries the table at most every 5 seconds
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.get("jetway.outbox.pending").gauge().value() == 0);
				assertThat(registry.get("jetway.outbox.oldest.pending.age").gauge().value()).isZero();
			});
	}

	@Test
	void outboxAttemptsCountEachFailedAttemptOnceAsFailedOrGivenUp() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.H2);
		ConsumerTestSupport.reset(database, nats.url());
		withMetrics(database)
			.withPropertyValues("jetway.outbox.relay.max-attempts=2", "jetway.outbox.relay.backoff.initial=100ms",
					"jetway.outbox.relay.backoff.max=100ms")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				// no stream captures the subject: attempt 1 fails, attempt 2 gives up
				context.getBean(TransactionTemplate.class)
					.executeWithoutResult((status) -> publisher.publish("nowhere.created", "lost"));
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> outboxAttempts(registry, "given_up") == 1);
				assertThat(outboxAttempts(registry, "failed")).isEqualTo(1);
				assertThat(outboxAttempts(registry, "published")).isZero();
			});
	}

	private static ApplicationContextRunner withMetrics(TestDatabaseInstance database) {
		return contextRunner(database, nats.url())
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));
	}

	private static double outboxAttempts(MeterRegistry registry, String outcome) {
		return registry.get("jetway.outbox.attempts").tag("outcome", outcome).counter().count();
	}

	private static double messages(MeterRegistry registry, String outcome) {
		return registry.get("jetway.consumer.messages")
			.tag("consumer", "fail-once")
			.tag("stream", "ORDERS")
			.tag("outcome", outcome)
			.counter()
			.count();
	}

}
