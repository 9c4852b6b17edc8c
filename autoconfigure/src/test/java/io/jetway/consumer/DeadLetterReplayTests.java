package io.jetway.consumer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.OutgoingMessage;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Republishing a dead letter reaches only the consumer that gave up on it, under the
 * message id the inbox knows it by. Real nats-server and PostgreSQL.
 */
class DeadLetterReplayTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private TestDatabaseInstance database;

	@BeforeEach
	void reset() throws Exception {
		this.database = databases.get(TestDatabase.POSTGRESQL);
		ConsumerTestSupport.reset(this.database, nats.url());
	}

	@Test
	void republishedDeadLetterReachesOnlyTheConsumerThatFailedUnderItsOriginalId() {
		contextRunner(this.database, nats.url()).withUserConfiguration(Listeners.class)
			.withPropertyValues("jetway.consumers.failing.stream=ORDERS",
					"jetway.consumers.failing.filter-subject=orders.created", "jetway.consumers.failing.inbox=true",
					"jetway.consumers.failing.max-deliver=1", "jetway.consumers.batched.stream=ORDERS",
					"jetway.consumers.batched.filter-subject=orders.created", "jetway.consumers.batched.inbox=true",
					"jetway.consumers.batched.transaction=per-batch", "jetway.consumers.plain.stream=ORDERS",
					"jetway.consumers.plain.filter-subject=orders.created")
			.run((context) -> {
				Listeners listeners = context.getBean(Listeners.class);
				UUID id = UUID.randomUUID();
				context.getBean(JetwayPublisher.class)
					.publish(OutgoingMessage.builder("orders.created", "{\"id\":\"o-1\"}").id(id).build());
				DeadLetters deadLetters = context.getBean(DeadLetters.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.list(10).size() == 1);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> listeners.batched.size() == 1 && listeners.plain.size() == 1);
				assertThat(listeners.failing).containsExactly(id.toString());
				assertThat(deadLetters.list(10).get(0).consumer()).isEqualTo("failing");

				assertThat(deadLetters.republish(deadLetters.list(10).get(0).sequence())).isTrue();

				await().atMost(Duration.ofSeconds(10)).until(() -> listeners.failing.size() == 2);
				// every consumer of the subject got the copy and settled it
				for (String consumer : List.of("failing", "batched", "plain")) {
					await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
						ConsumerInfo info = info(context, consumer);
						assertThat(info.getDelivered().getStreamSequence()).isEqualTo(2);
						assertThat(info.getNumAckPending()).isZero();
					});
				}
				assertThat(listeners.failing).containsExactly(id.toString(), id.toString());
				assertThat(listeners.batched).containsExactly(id.toString());
				assertThat(listeners.plain).containsExactly(id.toString());
				assertThat(deadLetters.list(10)).isEmpty();
				JdbcTemplate jdbc = new JdbcTemplate(this.database.dataSource());
				assertThat(jdbc.queryForList("SELECT consumer FROM jetway_inbox WHERE message_id = ? AND status = "
						+ "'processed' ORDER BY consumer", String.class, id.toString()))
					.containsExactly("batched", "failing");
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_inbox", Integer.class)).isEqualTo(2);
			});
	}

	@Test
	void aDeadLetterUnderTheSequenceOfAnEarlierReplayInARecreatedDeadLetterStreamIsRepublished() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement management = connection.jetStreamManagement();
			management.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").build());
			StreamConfiguration deadLetterStream = StreamConfiguration.builder()
				.name("TEST_DLQ")
				.subjects("test-dlq.>")
				.build();
			management.addStream(deadLetterStream);
			DeadLetters deadLetters = new DeadLetters(management, connection.jetStream(), "TEST_DLQ");
			deadLetter(connection, "first");
			assertThat(deadLetters.republish(1)).isTrue();
			management.deleteStream("TEST_DLQ");
			management.addStream(deadLetterStream);
			deadLetter(connection, "second");
			assertThat(deadLetters.list(10)).extracting(DeadLetter::sequence).containsExactly(1L);

			assertThat(deadLetters.republish(1)).isTrue();

			assertThat(management.getStreamInfo("ORDERS").getStreamState().getMsgCount()).isEqualTo(2);
			assertThat(new String(management.getMessage("ORDERS", 2).getData(), StandardCharsets.UTF_8))
				.isEqualTo("second");
			assertThat(deadLetters.list(10)).isEmpty();
		}
	}

	@Test
	void aDeadLetterRepublishedAgainAfterItsDeletionFailedIsStoredOnceAndThenDeleted() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement management = connection.jetStreamManagement();
			management.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").build());
			management.addStream(StreamConfiguration.builder().name("TEST_DLQ").subjects("test-dlq.>").build());
			AtomicBoolean deletionFails = new AtomicBoolean(true);
			JetStreamManagement failingOnce = ConsumerTestSupport.watched(management, (method) -> {
				if (method.equals("deleteMessage") && deletionFails.getAndSet(false)) {
					throw new IOException("connection lost before the deletion");
				}
			});
			DeadLetters deadLetters = new DeadLetters(failingOnce, connection.jetStream(), "TEST_DLQ");
			deadLetter(connection, "only");
			assertThatIllegalStateException().isThrownBy(() -> deadLetters.republish(1))
				.withMessageContaining("Could not republish dead letter 1");
			assertThat(deadLetters.list(10)).extracting(DeadLetter::sequence).containsExactly(1L);

			assertThat(deadLetters.republish(1)).isTrue();

			assertThat(management.getStreamInfo("ORDERS").getStreamState().getMsgCount()).isEqualTo(1);
			assertThat(deadLetters.list(10)).isEmpty();
		}
	}

	private static void deadLetter(Connection connection, String body) throws Exception {
		Headers headers = new Headers().put(DeadLetterHeaders.ORIGINAL_SUBJECT, "orders.created")
			.put(DeadLetterHeaders.ORIGINAL_STREAM, "ORDERS")
			.put(DeadLetterHeaders.ORIGINAL_SEQUENCE, "1")
			.put(DeadLetterHeaders.CONSUMER, "failing")
			.put(DeadLetterHeaders.MESSAGE_ID, UUID.randomUUID().toString())
			.put(DeadLetterHeaders.FAILED_AT, Instant.now().toString());
		connection.jetStream()
			.publish(NatsMessage.builder()
				.subject("test-dlq.orders")
				.headers(headers)
				.data(body.getBytes(StandardCharsets.UTF_8))
				.build());
	}

	private static ConsumerInfo info(ApplicationContext context, String consumer) throws Exception {
		return context.getBean(JetStreamManagement.class).getConsumerInfo("ORDERS", consumer);
	}

	static class Listeners {

		final List<String> failing = new CopyOnWriteArrayList<>();

		final List<String> batched = new CopyOnWriteArrayList<>();

		final List<String> plain = new CopyOnWriteArrayList<>();

		@JetStreamListener("failing")
		void failing(String body, MessageContext context) {
			this.failing.add(context.messageId());
			if (this.failing.size() == 1) {
				throw new IllegalStateException("fails the first time");
			}
		}

		@JetStreamListener("batched")
		void batched(String body, MessageContext context) {
			this.batched.add(context.messageId());
		}

		@JetStreamListener("plain")
		void plain(String body, MessageContext context) {
			this.plain.add(context.messageId());
		}

	}

}
