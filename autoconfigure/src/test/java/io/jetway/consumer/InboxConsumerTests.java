package io.jetway.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.OutgoingMessage;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static io.jetway.consumer.ConsumerTestSupport.effects;
import static io.jetway.consumer.ConsumerTestSupport.inboxRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumers with the inbox, per message and per batch, on every database.
 */
class InboxConsumerTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private TestDatabaseInstance database(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		ConsumerTestSupport.reset(database, nats.url());
		return database;
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void sameMessageIdBeyondTheDuplicateWindowIsHandledOnce(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).withUserConfiguration(RecordingListener.class)
			.withPropertyValues("jetway.consumers.recorder.stream=ORDERS", "jetway.consumers.recorder.inbox=true",
					"jetway.topology.streams.ORDERS.duplicate-window=1s")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				UUID id = UUID.randomUUID();
				publisher.publish(OutgoingMessage.builder("orders.created", "first").id(id).build());
				await().atMost(Duration.ofSeconds(10)).until(() -> effects(database) == 1);
				// past the stream's duplicate window JetStream stores the same id again
				await().atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(200))
					.until(() -> !publisher.publish(OutgoingMessage.builder("orders.created", "second").id(id).build())
						.duplicate());
				await().atMost(Duration.ofSeconds(10))
					.until(() -> context.getBean(JetStreamManagement.class)
						.getConsumerInfo("ORDERS", "recorder")
						.getNumAckPending() == 0
							&& context.getBean(JetStreamManagement.class)
								.getConsumerInfo("ORDERS", "recorder")
								.getNumPending() == 0);
				assertThat(effects(database)).isEqualTo(1);
				assertThat(inboxRows(database, "processed")).isEqualTo(1);
				assertThat(context.getBean(RecordingListener.class).calls.get()).isEqualTo(1);
			});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void handlerThatWritesAndThrowsLeavesNothingAndIsRedelivered(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).withUserConfiguration(WriteThenFailOnceListener.class)
			.withPropertyValues("jetway.consumers.write-then-fail.stream=ORDERS",
					"jetway.consumers.write-then-fail.inbox=true", "jetway.consumers.write-then-fail.backoff=1s")
			.run((context) -> {
				context.getBean(JetwayPublisher.class).publish("orders.created", "x");
				WriteThenFailOnceListener listener = context.getBean(WriteThenFailOnceListener.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> listener.calls.get() == 1);
				await().atMost(Duration.ofSeconds(5)).until(() -> inboxRows(database, "failed") == 1);
				assertThat(effects(database)).isZero();
				assertThat(inboxRows(database, "processed")).isZero();
				await().atMost(Duration.ofSeconds(10)).until(() -> inboxRows(database, "processed") == 1);
				assertThat(listener.calls.get()).isEqualTo(2);
				assertThat(effects(database)).isEqualTo(1);
			});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void plainNatsMessagesWithoutHeadersAreDeduplicatedByStreamAndSequence(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).withUserConfiguration(RecordingListener.class)
			.withPropertyValues("jetway.consumers.recorder.stream=ORDERS", "jetway.consumers.recorder.inbox=true")
			.run((context) -> {
				try (Connection plain = Nats.connect(nats.url())) {
					plain.jetStream().publish("orders.plain", "from another language".getBytes(StandardCharsets.UTF_8));
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> effects(database) == 1);
				String messageId = new JdbcTemplate(database.dataSource())
					.queryForObject("SELECT message_id FROM jetway_inbox", String.class);
				assertThat(messageId).isEqualTo("ORDERS:1");
				// the same stream message delivered again (as after a lost ack) is not
				// handled twice
				context.getBean(JetStreamManagement.class).deleteConsumer("ORDERS", "recorder");
				context.getBean(JetStreamListenerRegistry.class).getContainer("recorder").stop();
				context.getBean(JetStreamListenerRegistry.class).getContainer("recorder").start();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> context.getBean(JetStreamManagement.class)
						.getConsumerInfo("ORDERS", "recorder")
						.getDelivered()
						.getStreamSequence() == 1
							&& context.getBean(JetStreamManagement.class)
								.getConsumerInfo("ORDERS", "recorder")
								.getNumAckPending() == 0);
				assertThat(effects(database)).isEqualTo(1);
				assertThat(context.getBean(RecordingListener.class).calls.get()).isEqualTo(1);
			});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void perBatchModeCommitsTheOthersWhenOneHandlerThrows(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).withUserConfiguration(PoisonOnceListener.class)
			.withPropertyValues("jetway.consumers.poison.stream=ORDERS", "jetway.consumers.poison.inbox=true",
					"jetway.consumers.poison.transaction=per-batch", "jetway.consumers.poison.batch-size=100",
					"jetway.consumers.poison.backoff=500ms", "jetway.consumers.poison.auto-startup=false")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
					for (int i = 0; i < 100; i++) {
						publisher.publish("orders.created", (i == 42) ? "poison" : "ok-" + i);
					}
				});
				await().atMost(Duration.ofSeconds(10))
					.until(() -> ConsumerTestSupport.streamCount(nats.url(), "ORDERS") == 100);
				PoisonOnceListener listener = context.getBean(PoisonOnceListener.class);
				context.getBean(JetStreamListenerRegistry.class).getContainer("poison").resume();
				await().atMost(Duration.ofSeconds(10)).until(() -> effects(database) == 99);
				assertThat(listener.poisonCalls.get()).isEqualTo(1);
				await().atMost(Duration.ofSeconds(10)).until(() -> effects(database) == 100);
				assertThat(listener.poisonCalls.get()).isEqualTo(2);
				// the batch first runs without savepoints; the poison message's failure
				// rolls it back and it runs again with a savepoint per message: the
				// handlers before the poison message (at most 42 of them) are called
				// twice
				assertThat(listener.calls.get()).isBetween(101, 143);
				assertThat(inboxRows(database, "processed")).isEqualTo(100);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> context.getBean(JetStreamManagement.class)
						.getConsumerInfo("ORDERS", "poison")
						.getNumAckPending() == 0);
			});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void closingTheContextMidStreamAndRestartingHasEveryEffectExactlyOnce(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		var runner = contextRunner(database, nats.url()).withUserConfiguration(RecordingListener.class)
			.withPropertyValues("jetway.consumers.recorder.stream=ORDERS", "jetway.consumers.recorder.inbox=true",
					"jetway.consumers.recorder.concurrency=4", "jetway.consumers.recorder.ack-wait=5s");
		runner.run((context) -> {
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			for (int batch = 0; batch < 10; batch++) {
				transactions.executeWithoutResult((status) -> {
					for (int i = 0; i < 100; i++) {
						publisher.publish("orders.created", Map.of("n", 1));
					}
				});
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> effects(database) >= 100);
		});
		long afterFirst = effects(database);
		runner.run((context) -> await().atMost(Duration.ofSeconds(60)).until(() -> effects(database) == 1000));
		Long distinct = new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT COUNT(DISTINCT message_id) FROM effects", Long.class);
		assertThat(distinct).isEqualTo(1000);
		assertThat(afterFirst).isLessThanOrEqualTo(1000);
	}

	static class RecordingListener {

		final AtomicInteger calls = new AtomicInteger();

		private final JdbcTemplate jdbc;

		RecordingListener(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@JetStreamListener("recorder")
		void on(byte[] body, MessageContext context) {
			this.calls.incrementAndGet();
			this.jdbc.update("INSERT INTO effects VALUES (?, ?)", context.messageId(), "recorded");
		}

	}

	static class WriteThenFailOnceListener {

		final AtomicInteger calls = new AtomicInteger();

		private final JdbcTemplate jdbc;

		WriteThenFailOnceListener(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@JetStreamListener("write-then-fail")
		void on(String body, MessageContext context) {
			this.jdbc.update("INSERT INTO effects VALUES (?, ?)", context.messageId(), body);
			if (this.calls.incrementAndGet() == 1) {
				throw new IllegalStateException("after writing");
			}
		}

	}

	static class PoisonOnceListener {

		final AtomicInteger calls = new AtomicInteger();

		final AtomicInteger poisonCalls = new AtomicInteger();

		private final JdbcTemplate jdbc;

		PoisonOnceListener(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@JetStreamListener("poison")
		void on(String body, MessageContext context) {
			this.calls.incrementAndGet();
			this.jdbc.update("INSERT INTO effects VALUES (?, ?)", context.messageId(), body);
			if (body.equals("poison") && this.poisonCalls.incrementAndGet() == 1) {
				throw new IllegalStateException("poison, the first time");
			}
		}

	}

}
