package io.jetway.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.jetway.publish.JetwayHeaders;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.test.net.FaultProxy;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static io.jetway.consumer.ConsumerTestSupport.effects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL unreachable (behind a proxy that refuses and drops connections) while an
 * inbox consumer works: its messages are held without spending deliveries and handled
 * once when the database is back; none is dead-lettered.
 */
class DatabaseOutageTests {

	private static final int BEFORE = 40;

	private static final int DURING = 40;

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private final FaultProxy proxy = FaultProxy.to("127.0.0.1", 5432);

	@AfterEach
	void closeProxy() {
		this.proxy.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "per-message", "per-batch" })
	void databaseOutageUnderLoadSpendsNoDeliveryAndDeadLettersNothing(String transaction) throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		ConsumerTestSupport.reset(database, nats.url());
		String proxiedUrl = this.proxy.through(database.url());
		contextRunner(database, nats.url()).withUserConfiguration(RecordingListener.class)
			.withPropertyValues("spring.datasource.url=" + proxiedUrl,
					"spring.datasource.hikari.connection-timeout=1000", "jetway.consumers.recorder.stream=ORDERS",
					"jetway.consumers.recorder.inbox=true", "jetway.consumers.recorder.transaction=" + transaction,
					"jetway.consumers.recorder.batch-size=10", "jetway.consumers.recorder.concurrency=2",
					"jetway.consumers.recorder.max-deliver=3", "jetway.consumers.recorder.backoff=200ms",
					"jetway.consumers.recorder.ack-wait=2s")
			.run((context) -> {
				try (Connection connection = Nats.connect(nats.url())) {
					JetStream jetStream = connection.jetStream();
					publish(jetStream, BEFORE);
					await().atMost(Duration.ofSeconds(20)).until(() -> effects(database) >= 10);
					// the database goes away in the middle of the work, for six ack
					// waits,
					// while more messages arrive
					this.proxy.cut();
					publish(jetStream, DURING);
					ListenerContainer container = context.getBean(JetStreamListenerRegistry.class)
						.getContainer("recorder");
					await().atMost(Duration.ofSeconds(10)).until(container::isHeldByOutage);
					// held, without a dead letter, for five ack waits
					await().during(Duration.ofSeconds(10))
						.atMost(Duration.ofSeconds(12))
						.until(() -> container.isHeldByOutage()
								&& ConsumerTestSupport.streamCount(nats.url(), "JETWAY_DLQ") == 0);
					this.proxy.heal();
					await().atMost(Duration.ofSeconds(60)).until(() -> effects(database) == BEFORE + DURING);
					JetStreamManagement management = context.getBean(JetStreamManagement.class);
					await().atMost(Duration.ofSeconds(10))
						.until(() -> management.getConsumerInfo("ORDERS", "recorder").getNumAckPending() == 0);
				}
				JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
				assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT message_id) FROM effects", Long.class))
					.isEqualTo(BEFORE + DURING);
				// the outage spends no delivery, except the documented window ("What can
				// still be counted" in docs/consumers.md): a message whose failure came
				// as
				// the cut began may have spent one, never more
				List<String> deliveries = jdbc.queryForList("SELECT note FROM effects", String.class);
				assertThat(deliveries).hasSize(BEFORE + DURING)
					.allMatch((note) -> note.equals("1") || note.equals("2"));
				assertThat(deliveries.stream().filter("1"::equals).count()).isGreaterThanOrEqualTo(BEFORE + DURING - 5);
				assertThat(ConsumerTestSupport.streamCount(nats.url(), "JETWAY_DLQ")).isZero();
			});
	}

	@Test
	void containerRestartedDuringAnOutageResumesOnceTheDatabaseIsBack() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		ConsumerTestSupport.reset(database, nats.url());
		String proxiedUrl = this.proxy.through(database.url());
		contextRunner(database, nats.url()).withUserConfiguration(RecordingListener.class)
			.withPropertyValues("spring.datasource.url=" + proxiedUrl,
					"spring.datasource.hikari.connection-timeout=1000", "jetway.consumers.recorder.stream=ORDERS",
					"jetway.consumers.recorder.inbox=true", "jetway.consumers.recorder.concurrency=1",
					"jetway.consumers.recorder.ack-wait=2s")
			.run((context) -> {
				try (Connection connection = Nats.connect(nats.url())) {
					JetStream jetStream = connection.jetStream();
					publish(jetStream, 1);
					await().atMost(Duration.ofSeconds(20)).until(() -> effects(database) == 1);
					this.proxy.cut();
					publish(jetStream, 1);
					ListenerContainer container = context.getBean(JetStreamListenerRegistry.class)
						.getContainer("recorder");
					await().atMost(Duration.ofSeconds(10)).until(container::isHeldByOutage);
					// the held batch is handed back by the stop, never having recovered
					container.stop();
					container.start();
					this.proxy.heal();
					publish(jetStream, 1);
					await().atMost(Duration.ofSeconds(20)).until(() -> effects(database) == 3);
					assertThat(container.isHeldByOutage()).isFalse();
				}
			});
	}

	private static void publish(JetStream jetStream, int count) throws Exception {
		for (int i = 0; i < count; i++) {
			Headers headers = new Headers().put(JetwayHeaders.NATS_MSG_ID, UUID.randomUUID().toString());
			jetStream.publish(NatsMessage.builder()
				.subject("orders.created")
				.headers(headers)
				.data("{}".getBytes(StandardCharsets.UTF_8))
				.build());
		}
	}

	static class RecordingListener {

		private final JdbcTemplate jdbc;

		/** Never counted down: a timed wait the length of the simulated work. */
		private final CountDownLatch never = new CountDownLatch(1);

		RecordingListener(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@JetStreamListener("recorder")
		void on(byte[] body, MessageContext context) throws InterruptedException {
			// simulated work, so that the cut lands in the middle of a batch: a timed
			// wait on the handler's own thread that ends with InterruptedException when
			// interrupted, as a plain sleep would. Not Awaitility's pollDelay: it sleeps
			// uninterruptibly, evaluates on a thread of its own and replaces the JVM's
			// default uncaught exception handler while it waits
			this.never.await(20, TimeUnit.MILLISECONDS);
			this.jdbc.update("INSERT INTO effects VALUES (?, ?)", context.messageId(),
					Long.toString(context.deliveryCount()));
		}

	}

}
