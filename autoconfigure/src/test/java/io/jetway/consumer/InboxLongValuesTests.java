package io.jetway.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Message ids and subjects longer than the inbox columns, as a foreign producer may send
 * them: handled once per id, per message and per batch, on every database.
 */
class InboxLongValuesTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final String LONG_ID = "i".repeat(1000);

	/** Differs from {@link #LONG_ID} in its last character only. */
	private static final String OTHER_LONG_ID = "i".repeat(999) + "j";

	private static final String LONG_SUBJECT = "orders." + "s".repeat(1000);

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void longMessageIdsAndSubjectsAreHandledOncePerId(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		ConsumerTestSupport.reset(database, nats.url());
		Listeners.seen.clear();
		contextRunner(database, nats.url()).withUserConfiguration(Listeners.class)
			.withPropertyValues("jetway.consumers.single.stream=ORDERS", "jetway.consumers.single.inbox=true",
					"jetway.consumers.single.backoff=100ms", "jetway.consumers.batched.stream=ORDERS",
					"jetway.consumers.batched.inbox=true", "jetway.consumers.batched.transaction=per-batch",
					"jetway.consumers.batched.backoff=100ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (Connection foreign = Nats.connect(nats.url())) {
					publish(foreign, LONG_SUBJECT, LONG_ID);
					publish(foreign, "orders.created", OTHER_LONG_ID);
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> Listeners.seen.size() == 4);
				assertThat(Listeners.seen).containsExactlyInAnyOrder("single:long id on long subject",
						"single:other long id on orders.created", "batched:long id on long subject",
						"batched:other long id on orders.created");
				JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_inbox WHERE status = 'processed'",
						Integer.class))
					.isEqualTo(4);
				// kept exact by a hash that fits the key
				assertThat(jdbc.queryForList("SELECT message_id FROM jetway_inbox", String.class))
					.allSatisfy((stored) -> assertThat(stored).startsWith("sha256:").hasSize(71));
				// both messages again, as after lost acks: the inbox knows both ids
				for (String consumer : List.of("single", "batched")) {
					context.getBean(JetStreamListenerRegistry.class).getContainer(consumer).stop();
					context.getBean(JetStreamManagement.class).deleteConsumer("ORDERS", consumer);
					context.getBean(JetStreamListenerRegistry.class).getContainer(consumer).start();
				}
				for (String consumer : List.of("single", "batched")) {
					await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
						ConsumerInfo info = info(context, consumer);
						assertThat(info.getDelivered().getStreamSequence()).isEqualTo(2);
						assertThat(info.getNumAckPending()).isZero();
					});
				}
				assertThat(Listeners.seen).hasSize(4);
			});
	}

	private static void publish(Connection connection, String subject, String id) throws Exception {
		connection.jetStream()
			.publish(NatsMessage.builder()
				.subject(subject)
				.headers(new Headers().put("Nats-Msg-Id", id))
				.data("{}".getBytes(StandardCharsets.UTF_8))
				.build());
	}

	private static ConsumerInfo info(ApplicationContext context, String consumer) throws Exception {
		return context.getBean(JetStreamManagement.class).getConsumerInfo("ORDERS", consumer);
	}

	static class Listeners {

		static final List<String> seen = new CopyOnWriteArrayList<>();

		@JetStreamListener("single")
		void single(byte[] body, MessageContext context) {
			seen.add("single:" + label(context));
		}

		@JetStreamListener("batched")
		void batched(byte[] body, MessageContext context) {
			seen.add("batched:" + label(context));
		}

		private static String label(MessageContext context) {
			String id = context.messageId();
			String which = id.equals(LONG_ID) ? "long id" : id.equals(OTHER_LONG_ID) ? "other long id" : id;
			return which + " on " + (context.subject().equals(LONG_SUBJECT) ? "long subject" : context.subject());
		}

	}

}
