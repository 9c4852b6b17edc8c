package io.jetway.consumer;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
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
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An inbox consumer's message delivered beyond max-deliver (its earlier deliveries
 * counted by the server without an outcome Jetway saw: a lost ack, a nak on stop) is
 * checked against the inbox before it is dead-lettered.
 */
class ExhaustedDeliveriesTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private TestDatabaseInstance database;

	@BeforeEach
	void reset() throws Exception {
		this.database = databases.get(TestDatabase.H2);
		ConsumerTestSupport.reset(this.database, nats.url());
	}

	@Test
	void processedMessageRedeliveredBeyondMaxDeliverIsAcknowledgedNotDeadLettered() {
		runExhausted("processed", null, (context, listener) -> {
			JetStreamManagement management = context.getBean(JetStreamManagement.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> management.getConsumerInfo("ORDERS", "counting").getNumAckPending() == 0
						&& management.getConsumerInfo("ORDERS", "counting").getNumPending() == 0);
			assertThat(ConsumerTestSupport.streamCount(nats.url(), "JETWAY_DLQ")).isZero();
			assertThat(listener.calls.get()).isZero();
		});
	}

	@Test
	void deadLetterOfAMessageBeyondMaxDeliverCarriesTheFailureItsInboxRowRecorded() {
		runExhausted("failed", "java.lang.IllegalStateException: the warehouse refused it", (context, listener) -> {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> ConsumerTestSupport.streamCount(nats.url(), "JETWAY_DLQ") == 1);
			DeadLetter deadLetter = context.getBean(DeadLetters.class).list(10).get(0);
			assertThat(deadLetter.exception()).isEqualTo("java.lang.IllegalStateException");
			assertThat(deadLetter.error()).isEqualTo("the warehouse refused it");
			assertThat(listener.calls.get()).isZero();
		});
	}

	private void runExhausted(String status, String lastError, Check check) {
		contextRunner(this.database, nats.url()).withUserConfiguration(CountingListener.class)
			.withPropertyValues("jetway.consumers.counting.stream=ORDERS", "jetway.consumers.counting.inbox=true",
					"jetway.consumers.counting.max-deliver=1", "jetway.consumers.counting.auto-startup=false")
			.run((context) -> {
				UUID id = UUID.randomUUID();
				context.getBean(JetwayPublisher.class)
					.publish(OutgoingMessage.builder("orders.created", "{}").id(id).build());
				// its first delivery ends without an outcome Jetway saw (as if the ack
				// of a processed message were lost)
				try (Connection connection = Nats.connect(nats.url())) {
					JetStreamSubscription subscription = connection.jetStream()
						.subscribe(null, PullSubscribeOptions.bind("ORDERS", "counting"));
					Message first = subscription.fetch(1, Duration.ofSeconds(5)).get(0);
					first.nak();
					connection.flush(Duration.ofSeconds(2));
				}
				new JdbcTemplate(this.database.dataSource())
					.update("INSERT INTO jetway_inbox (consumer, message_id, subject, stream, stream_seq, status, "
							+ "deliveries, last_error, received_at, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
							"counting", id.toString(), "orders.created", "ORDERS", 1L, status, 1L, lastError,
							Timestamp.from(Instant.now()),
							"processed".equals(status) ? Timestamp.from(Instant.now()) : null);
				context.getBean(JetStreamListenerRegistry.class).getContainer("counting").resume();
				check.check(context, context.getBean(CountingListener.class));
			});
	}

	interface Check {

		void check(AssertableApplicationContext context, CountingListener listener) throws Exception;

	}

	static class CountingListener {

		final AtomicInteger calls = new AtomicInteger();

		@JetStreamListener("counting")
		void on(String body) {
			this.calls.incrementAndGet();
		}

	}

}
