package io.jetway.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import io.jetway.jdbc.DatabaseType;
import io.jetway.publish.JetwayHeaders;
import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.outbox.OutboxTestSupport.contextRunner;
import static io.jetway.outbox.OutboxTestSupport.countRows;
import static io.jetway.outbox.OutboxTestSupport.streamCount;
import static io.jetway.outbox.OutboxTestSupport.streamMessages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox when things go wrong: NATS down, an instance gone, instances competing.
 */
class OutboxFaultTests {

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private TestDatabaseInstance database(TestDatabase type, String natsUrl) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		OutboxTestSupport.reset(database, natsUrl);
		return database;
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void eventsCommittedWhileNatsIsDownArePublishedExactlyOnceWhenItReturns(TestDatabase type) throws Exception {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			TestDatabaseInstance database = database(type, nats.url());
			contextRunner(database, nats.url()).withPropertyValues("jetway.nats.reconnect-wait=200ms")
				.run((context) -> {
					JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
					TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
					nats.stop();
					await().atMost(Duration.ofSeconds(5))
						.until(() -> context.getBean(Connection.class).getStatus() != Connection.Status.CONNECTED);
					for (int batch = 0; batch < 10; batch++) {
						transactions.executeWithoutResult((status) -> {
							for (int i = 0; i < 100; i++) {
								publisher.publish("orders.created", "while down");
							}
						});
					}
					assertThat(countRows(database, "pending")).isEqualTo(1000);
					nats.restart();
					await().atMost(Duration.ofSeconds(30)).until(() -> countRows(database, "sent") == 1000);
					assertThat(streamCount(nats.url(), "ORDERS")).isEqualTo(1000);
					assertThat(distinctMessageIds(nats.url())).hasSize(1000);
					assertThat(countRows(database, "failed")).isZero();
				});
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void rowLeftPendingByACrashIsPublishedByThePoller(TestDatabase type) throws Exception {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			TestDatabaseInstance database = database(type, nats.url());
			contextRunner(database, nats.url()).run((context) -> {
				UUID id = UUID.randomUUID();
				insertOrphan(context, id, Instant.now().minusSeconds(60));
				await().atMost(Duration.ofSeconds(5)).until(() -> countRows(database, "sent") == 1);
				MessageInfo message = streamMessages(nats.url(), "ORDERS").get(0);
				assertThat(message.getHeaders().getFirst(JetwayHeaders.NATS_MSG_ID)).isEqualTo(id.toString());
				assertThat(new String(message.getData())).isEqualTo("orphan");
			});
		}
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void twoRelaysOnOneTablePublishEveryRowOnce(TestDatabase type) throws Exception {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			TestDatabaseInstance database = database(type, nats.url());
			// no recovery delay: both pollers race both after-commit paths for every row
			var runner = contextRunner(database, nats.url()).withPropertyValues("jetway.outbox.relay.recovery-delay=0s",
					"jetway.outbox.relay.poll-interval=10ms");
			runner.run((first) -> runner.run((second) -> {
				CompletableFuture<Void> a = CompletableFuture.runAsync(() -> publish(first, 2500));
				CompletableFuture<Void> b = CompletableFuture.runAsync(() -> publish(second, 2500));
				CompletableFuture.allOf(a, b).join();
				await().atMost(Duration.ofSeconds(60)).until(() -> countRows(database, "sent") == 5000);
				assertThat(streamCount(nats.url(), "ORDERS")).isEqualTo(5000);
				assertThat(distinctMessageIds(nats.url())).hasSize(5000);
				Long publishedTwice = new JdbcTemplate(database.dataSource())
					.queryForObject("SELECT COUNT(*) FROM jetway_outbox WHERE attempts <> 1", Long.class);
				assertThat(publishedTwice).isZero();
			}));
		}
	}

	private static void publish(AssertableApplicationContext context, int count) {
		JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
		TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
		for (int batch = 0; batch < count / 100; batch++) {
			transactions.executeWithoutResult((status) -> {
				for (int i = 0; i < 100; i++) {
					publisher.publish("orders.created", "event");
				}
			});
		}
	}

	private static Set<String> distinctMessageIds(String natsUrl) {
		List<MessageInfo> messages = streamMessages(natsUrl, "ORDERS");
		return messages.stream()
			.map((message) -> message.getHeaders().getFirst(JetwayHeaders.NATS_MSG_ID))
			.collect(Collectors.toSet());
	}

	private static void insertOrphan(AssertableApplicationContext context, UUID id, Instant createdAt) {
		DatabaseType databaseType = context.getBean(DatabaseType.class);
		context.getBean(JdbcTemplate.class)
			.update("INSERT INTO jetway_outbox (id, subject, payload, headers, status, attempts, created_at, "
					+ "available_at) VALUES (?, 'orders.created', ?, ?, 'pending', 0, ?, ?)", (statement) -> {
						databaseType.setUuid(statement, 1, id);
						statement.setBytes(2, "orphan".getBytes());
						statement.setString(3, "{\"Nats-Msg-Id\":[\"" + id + "\"]}");
						databaseType.setInstant(statement, 4, createdAt);
						databaseType.setInstant(statement, 5, createdAt);
					});
	}

}
