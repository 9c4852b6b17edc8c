package io.jetway.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.jetway.publish.JetStreamEvent;
import io.jetway.publish.JetwayHeaders;
import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.MessageTooLargeException;
import io.jetway.publish.OutgoingMessage;
import io.jetway.publish.PublishReceipt;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.outbox.OutboxTestSupport.contextRunner;
import static io.jetway.outbox.OutboxTestSupport.countRows;
import static io.jetway.outbox.OutboxTestSupport.streamCount;
import static io.jetway.outbox.OutboxTestSupport.streamMessages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The outbox on every supported database.
 */
class OutboxTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private TestDatabaseInstance database(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		OutboxTestSupport.reset(database, nats.url());
		return database;
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void committedPublishReachesTheStreamOnceWithItsHeaders(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).withPropertyValues("spring.application.name=shop").run((context) -> {
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			PublishReceipt receipt = context.getBean(TransactionTemplate.class)
				.execute((status) -> publisher.publish("orders.created", Map.of("orderId", 42)));
			assertThat(receipt.outboxed()).isTrue();
			await().atMost(Duration.ofSeconds(5)).until(() -> streamCount(nats.url(), "ORDERS") == 1);
			MessageInfo message = streamMessages(nats.url(), "ORDERS").get(0);
			assertThat(message.getSubject()).isEqualTo("orders.created");
			assertThat(new String(message.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"orderId\":42}");
			assertThat(message.getHeaders().getFirst(JetwayHeaders.NATS_MSG_ID)).isEqualTo(receipt.id().toString());
			assertThat(message.getHeaders().getFirst(JetwayHeaders.CE_ID)).isEqualTo(receipt.id().toString());
			assertThat(message.getHeaders().getFirst(JetwayHeaders.CE_TYPE)).isEqualTo("orders.created");
			assertThat(message.getHeaders().getFirst(JetwayHeaders.CE_SOURCE)).isEqualTo("/shop");
			assertThat(message.getHeaders().getFirst(JetwayHeaders.CE_SPECVERSION)).isEqualTo("1.0");
			assertThat(message.getHeaders().getFirst(JetwayHeaders.CONTENT_TYPE)).isEqualTo("application/json");
			assertThat(Instant.parse(message.getHeaders().getFirst(JetwayHeaders.CE_TIME))).isNotNull();
			await().atMost(Duration.ofSeconds(5)).until(() -> countRows(database, "sent") == 1);
			OutboxEntry entry = context.getBean(OutboxOperations.class).find(receipt.id());
			assertThat(entry.stream()).isEqualTo("ORDERS");
			assertThat(entry.streamSequence()).isEqualTo(message.getSeq());
			assertThat(entry.attempts()).isEqualTo(1);
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void rolledBackPublishIsNeverPublished(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			transactions.executeWithoutResult((status) -> {
				publisher.publish("orders.created", "rolled back");
				status.setRollbackOnly();
			});
			transactions.executeWithoutResult((status) -> publisher.publish("orders.created", "committed"));
			await().atMost(Duration.ofSeconds(5)).until(() -> streamCount(nats.url(), "ORDERS") == 1);
			assertThat(streamMessages(nats.url(), "ORDERS")).extracting((m) -> new String(m.getData()))
				.containsExactly("committed");
			assertThat(countRows(database, "pending") + countRows(database, "sent")).isEqualTo(1);
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void manyEventsInOneTransactionArePublishedInOrder(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			for (int batch = 0; batch < 3; batch++) {
				int first = batch * 250;
				transactions.executeWithoutResult((status) -> {
					for (int i = first; i < first + 250; i++) {
						publisher.publish("orders.created", String.valueOf(i));
					}
				});
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> streamCount(nats.url(), "ORDERS") == 750);
			List<Integer> bodies = streamMessages(nats.url(), "ORDERS").stream()
				.map((m) -> Integer.valueOf(new String(m.getData())))
				.toList();
			assertThat(bodies).isSorted().hasSize(750).doesNotHaveDuplicates();
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void uncapturedSubjectEndsFailedWithAReadableError(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url())
			.withPropertyValues("jetway.outbox.relay.max-attempts=2", "jetway.outbox.relay.backoff.initial=100ms",
					"jetway.outbox.relay.backoff.max=100ms")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				PublishReceipt receipt = context.getBean(TransactionTemplate.class)
					.execute((status) -> publisher.publish("nowhere.created", "lost?"));
				await().atMost(Duration.ofSeconds(10)).until(() -> countRows(database, "failed") == 1);
				OutboxEntry entry = context.getBean(OutboxOperations.class).find(receipt.id());
				assertThat(entry.attempts()).isEqualTo(2);
				assertThat(entry.lastError()).contains("No JetStream stream captures subject 'nowhere.created'")
					.contains("jetway.topology.streams");
				assertThat(context.getBean(OutboxOperations.class).list(OutboxStatus.FAILED, 10))
					.extracting(OutboxEntry::id)
					.containsExactly(receipt.id());
			});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void failedRowIsRepublishedOnRequest(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url())
			.withPropertyValues("jetway.outbox.relay.max-attempts=1",
					"jetway.topology.streams.LATE.subjects=late.later")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				context.getBean(TransactionTemplate.class)
					.executeWithoutResult((status) -> publisher.publish("late.created", "eventually"));
				await().atMost(Duration.ofSeconds(10)).until(() -> countRows(database, "failed") == 1);
				try (var connection = io.nats.client.Nats.connect(nats.url())) {
					var management = connection.jetStreamManagement();
					var info = management.getStreamInfo("LATE");
					management.updateStream(io.nats.client.api.StreamConfiguration.builder(info.getConfiguration())
						.subjects("late.later", "late.created")
						.build());
				}
				assertThat(context.getBean(OutboxOperations.class).republishAllFailed()).isEqualTo(1);
				await().atMost(Duration.ofSeconds(5)).until(() -> streamCount(nats.url(), "LATE") == 1);
				await().atMost(Duration.ofSeconds(5)).until(() -> countRows(database, "sent") == 1);
			});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void oversizedPayloadFailsAtPublishAndRollsTheTransactionBack(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			jdbc.execute("CREATE TABLE IF NOT EXISTS audit_probe (note VARCHAR(50))");
			jdbc.update("DELETE FROM audit_probe");
			byte[] huge = new byte[2 * 1024 * 1024];
			assertThatExceptionOfType(MessageTooLargeException.class)
				.isThrownBy(() -> context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
					jdbc.update("INSERT INTO audit_probe VALUES ('written')");
					publisher.publish("orders.created", "fits");
					publisher.publish("orders.created", huge);
				}))
				.withMessageContaining("for subject 'orders.created'")
				.withMessageContaining("at most 1048576 bytes")
				.satisfies((ex) -> assertThat(ex.getSize()).isGreaterThan(huge.length));
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_probe", Long.class)).isZero();
			assertThat(countRows(database, "pending") + countRows(database, "sent")).isZero();
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void delayedMessageIsPublishedWhenDue(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			Instant due = Instant.now().plusSeconds(2);
			context.getBean(TransactionTemplate.class)
				.executeWithoutResult((status) -> publisher
					.publish(OutgoingMessage.builder("orders.delayed", "later").notBefore(due).build()));
			await().atMost(Duration.ofSeconds(5)).until(() -> streamCount(nats.url(), "ORDERS") == 1);
			Instant publishedAt = Instant.now();
			assertThat(publishedAt).isAfterOrEqualTo(due).isBefore(due.plusSeconds(1));
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void retentionRemovesOnlyOldSentRows(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		List<Long> cleanups = new CopyOnWriteArrayList<>();
		OutboxObserver observer = new OutboxObserver() {

			@Override
			public void cleanedUp(long deleted, Duration took) {
				cleanups.add(deleted);
			}

		};
		contextRunner(database, nats.url()).withBean("cleanupObserver", OutboxObserver.class, () -> observer)
			.withPropertyValues("jetway.outbox.retention=1h", "jetway.outbox.relay.cleanup-interval=100ms")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
				PublishReceipt old = transactions.execute((status) -> publisher.publish("orders.a", "old"));
				PublishReceipt recent = transactions.execute((status) -> publisher.publish("orders.b", "recent"));
				PublishReceipt pending = transactions
					.execute((status) -> publisher.publish(OutgoingMessage.builder("orders.c", "pending")
						.notBefore(Instant.now().plusSeconds(3600))
						.build()));
				await().atMost(Duration.ofSeconds(5)).until(() -> countRows(database, "sent") == 2);
				jdbc.update("UPDATE jetway_outbox SET sent_at = created_at - INTERVAL '2' HOUR, "
						+ "created_at = created_at - INTERVAL '2' HOUR WHERE subject = 'orders.a'");
				await().atMost(Duration.ofSeconds(5))
					.until(() -> context.getBean(OutboxOperations.class).find(old.id()) == null);
				OutboxOperations operations = context.getBean(OutboxOperations.class);
				assertThat(operations.find(recent.id()).status()).isEqualTo(OutboxStatus.SENT);
				assertThat(operations.find(pending.id()).status()).isEqualTo(OutboxStatus.PENDING);
				// the observer is told after the run's last delete statement
				await().atMost(Duration.ofSeconds(5)).until(() -> cleanups.contains(1L));
				assertThat(cleanups).allSatisfy((deleted) -> assertThat(deleted).isBetween(0L, 1L));
			});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void deleteCompletionModeRemovesRowsOnceAcknowledged(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).withPropertyValues("jetway.outbox.completion-mode=delete")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
					for (int i = 0; i < 10; i++) {
						publisher.publish("orders.created", "m" + i);
					}
				});
				await().atMost(Duration.ofSeconds(5)).until(() -> streamCount(nats.url(), "ORDERS") == 10);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> new JdbcTemplate(database.dataSource())
						.queryForObject("SELECT COUNT(*) FROM jetway_outbox", Long.class) == 0);
			});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = "H2")
	void annotatedApplicationEventGoesThroughTheOutbox(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			ApplicationEventPublisher events = context;
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			transactions.executeWithoutResult((status) -> events.publishEvent(new OrderCreated(UUID.randomUUID())));
			transactions.executeWithoutResult((status) -> {
				events.publishEvent(new OrderCreated(UUID.randomUUID()));
				status.setRollbackOnly();
			});
			events.publishEvent("not annotated, ignored");
			await().atMost(Duration.ofSeconds(5)).until(() -> streamCount(nats.url(), "ORDERS") == 1);
			MessageInfo message = streamMessages(nats.url(), "ORDERS").get(0);
			assertThat(message.getSubject()).isEqualTo("orders.created");
			assertThat(message.getHeaders().getFirst(JetwayHeaders.CE_TYPE)).isEqualTo("com.example.OrderCreated");
			assertThat(countRows(database, "sent")).isEqualTo(1);
		});
	}

	@JetStreamEvent(subject = "orders.created", type = "com.example.OrderCreated")
	record OrderCreated(UUID orderId) {
	}

}
