package io.jetway.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.publish.JetwayHeaders;
import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.OutgoingMessage;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static io.jetway.consumer.ConsumerTestSupport.effects;
import static io.jetway.consumer.ConsumerTestSupport.inboxRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listener containers without the inbox: delivery, backoff, dead letters, binding.
 */
class ConsumerTests {

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
	void failingTwiceThenSucceedingHasItsEffectOnceWithBackoffBetweenDeliveries() {
		contextRunner(this.database, nats.url()).withUserConfiguration(FlakyListener.class)
			.withPropertyValues("jetway.consumers.flaky.stream=ORDERS", "jetway.consumers.flaky.backoff=300ms,600ms",
					"jetway.consumers.flaky.max-deliver=5")
			.run((context) -> {
				context.getBean(JetwayPublisher.class).publish("orders.created", new Order("o-1", 10));
				FlakyListener listener = context.getBean(FlakyListener.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> effects(this.database) == 1);
				assertThat(listener.deliveries).hasSize(3);
				assertThat(Duration.between(listener.deliveries.get(0), listener.deliveries.get(1)))
					.isGreaterThanOrEqualTo(Duration.ofMillis(300));
				assertThat(Duration.between(listener.deliveries.get(1), listener.deliveries.get(2)))
					.isGreaterThanOrEqualTo(Duration.ofMillis(600));
				ConsumerInfo info = context.getBean(JetStreamManagement.class).getConsumerInfo("ORDERS", "flaky");
				await().atMost(Duration.ofSeconds(5))
					.until(() -> context.getBean(JetStreamManagement.class)
						.getConsumerInfo("ORDERS", "flaky")
						.getNumAckPending() == 0);
				assertThat(info.getNumPending()).isZero();
				assertThat(effects(this.database)).isEqualTo(1);
			});
	}

	@Test
	void alwaysFailingMessageIsDeadLetteredAfterMaxDeliverWithItsMetadata() {
		contextRunner(this.database, nats.url()).withUserConfiguration(FailingListener.class)
			.withPropertyValues("jetway.consumers.failing.stream=ORDERS", "jetway.consumers.failing.backoff=100ms",
					"jetway.consumers.failing.max-deliver=3")
			.run((context) -> {
				UUID id = UUID.randomUUID();
				context.getBean(JetwayPublisher.class)
					.publish(OutgoingMessage.builder("orders.created", "{\"id\":\"o-2\",\"total\":1}").id(id).build());
				DeadLetters deadLetters = context.getBean(DeadLetters.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.list(10).size() == 1);
				DeadLetter deadLetter = deadLetters.list(10).get(0);
				assertThat(deadLetter.originalSubject()).isEqualTo("orders.created");
				assertThat(deadLetter.originalStream()).isEqualTo("ORDERS");
				assertThat(deadLetter.originalSequence()).isEqualTo(1);
				assertThat(deadLetter.consumer()).isEqualTo("failing");
				assertThat(deadLetter.deliveries()).isEqualTo(3);
				assertThat(deadLetter.exception()).isEqualTo(IllegalStateException.class.getName());
				assertThat(deadLetter.error()).isEqualTo("always broken");
				assertThat(deadLetter.failedAt()).isBeforeOrEqualTo(Instant.now());
				assertThat(new String(deadLetter.body())).isEqualTo("{\"id\":\"o-2\",\"total\":1}");
				assertThat(deadLetter.headers().getFirst(JetwayHeaders.CE_ID)).isEqualTo(id.toString());
				assertThat(context.getBean(FailingListener.class).calls.get()).isEqualTo(3);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> context.getBean(JetStreamManagement.class)
						.getConsumerInfo("ORDERS", "failing")
						.getNumAckPending() == 0);
			});
	}

	@Test
	void nonRetryableAndUnreadableMessagesAreDeadLetteredOnTheFirstDelivery() {
		contextRunner(this.database, nats.url()).withUserConfiguration(PickyListener.class)
			.withPropertyValues("jetway.consumers.picky.stream=ORDERS",
					"jetway.consumers.picky.non-retryable=java.lang.IllegalArgumentException")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				publisher.publish("orders.created", new Order("listed", 1));
				publisher.publish("orders.created", new Order("jetway", 1));
				publisher.publish("orders.created", "this is not JSON");
				DeadLetters deadLetters = context.getBean(DeadLetters.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.list(10).size() == 3);
				assertThat(deadLetters.list(10)).allSatisfy((deadLetter) -> assertThat(deadLetter.deliveries()).isOne())
					.extracting(DeadLetter::exception)
					.containsExactlyInAnyOrder(IllegalArgumentException.class.getName(),
							NonRetryableException.class.getName(), PayloadBindingException.class.getName());
				assertThat(context.getBean(PickyListener.class).calls.get()).isEqualTo(2);
			});
	}

	@Test
	void replayFromTheDeadLetterStreamReachesTheHandler() {
		contextRunner(this.database, nats.url()).withUserConfiguration(FailOnceListener.class)
			.withPropertyValues("jetway.consumers.fail-once.stream=ORDERS", "jetway.consumers.fail-once.max-deliver=1")
			.run((context) -> {
				context.getBean(JetwayPublisher.class).publish("orders.created", new Order("o-3", 3));
				DeadLetters deadLetters = context.getBean(DeadLetters.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.list(10).size() == 1);
				assertThat(deadLetters.republishAll((deadLetter) -> deadLetter.consumer().equals("fail-once")))
					.isEqualTo(1);
				await().atMost(Duration.ofSeconds(10)).until(() -> effects(this.database) == 1);
				assertThat(deadLetters.list(10)).isEmpty();
			});
	}

	@Test
	void messageThatRunsOutOfDeliveriesWithoutANakIsDeadLetteredOnItsNextDeliveryWithoutTheHandler() {
		contextRunner(this.database, nats.url()).withUserConfiguration(FailOnceListener.class)
			.withPropertyValues("jetway.consumers.fail-once.stream=ORDERS", "jetway.consumers.fail-once.max-deliver=1",
					"jetway.consumers.fail-once.ack-wait=1s", "jetway.consumers.fail-once.auto-startup=false")
			.run((context) -> {
				context.getBean(JetwayPublisher.class).publish("orders.created", new Order("hung", 1));
				// a "hung" instance: takes the only delivery and never acknowledges it
				Connection connection = context.getBean(Connection.class);
				var fetched = connection.getConsumerContext("ORDERS", "fail-once").next(Duration.ofSeconds(5));
				assertThat(fetched).isNotNull();
				// the server redelivers it after the ack wait (its max deliver is
				// unlimited); delivered beyond max-deliver, it is dead-lettered at once
				context.getBean(JetStreamListenerRegistry.class).getContainer("fail-once").resume();
				DeadLetters deadLetters = context.getBean(DeadLetters.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.list(10).size() == 1);
				DeadLetter deadLetter = deadLetters.list(10).get(0);
				assertThat(deadLetter.exception()).isEqualTo("MaxDeliveriesExceeded");
				assertThat(deadLetter.originalSequence()).isEqualTo(fetched.metaData().streamSequence());
				assertThat(effects(this.database)).isZero();
			});
	}

	@Test
	void bindsStringBytesJsonNodeAndMessageContext() {
		contextRunner(this.database, nats.url()).withUserConfiguration(BindingListeners.class)
			.withPropertyValues("jetway.consumers.text.stream=ORDERS",
					"jetway.consumers.text.filter-subject=orders.text", "jetway.consumers.tree.stream=ORDERS",
					"jetway.consumers.tree.filter-subject=orders.tree")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				publisher.publish("orders.text", "hello");
				publisher.publish("orders.tree", Map.of("a", 1));
				BindingListeners listeners = context.getBean(BindingListeners.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> listeners.seen.size() == 2);
				assertThat(listeners.seen).containsExactlyInAnyOrder("text:hello:orders.text:1", "tree:1");
			});
	}

	@Test
	void changedFilterSubjectRecreatesTheConsumer() {
		var runner = contextRunner(this.database, nats.url()).withUserConfiguration(FailOnceListener.class)
			.withPropertyValues("jetway.consumers.fail-once.stream=ORDERS");
		runner.withPropertyValues("jetway.consumers.fail-once.filter-subject=orders.created")
			.run((context) -> assertThat(context.getBean(JetStreamManagement.class)
				.getConsumerInfo("ORDERS", "fail-once")
				.getConsumerConfiguration()
				.getFilterSubject()).isEqualTo("orders.created"));
		runner.withPropertyValues("jetway.consumers.fail-once.filter-subject=orders.updated").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JetStreamManagement.class)
				.getConsumerInfo("ORDERS", "fail-once")
				.getConsumerConfiguration()
				.getFilterSubject()).isEqualTo("orders.updated");
			context.getBean(JetwayPublisher.class).publish("orders.updated", new Order("o-4", 1));
			context.getBean(JetwayPublisher.class).publish("orders.updated", new Order("o-5", 1));
			await().atMost(Duration.ofSeconds(10)).until(() -> effects(this.database) == 1);
		});
	}

	@Test
	void listenerForAnUnknownConsumerFailsStartupNamingBothSides() {
		contextRunner(this.database, nats.url()).withUserConfiguration(FailOnceListener.class)
			.withPropertyValues("jetway.consumers.other.stream=ORDERS")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("@JetStreamListener(\"fail-once\")")
				.hasMessageContaining(FailOnceListener.class.getName())
				.hasMessageContaining("jetway.consumers.fail-once")
				.hasMessageContaining(
						"jetway.consumers.other is configured but no bean has a @JetStreamListener(\"other\")"));
	}

	@Test
	void unbindableParameterFailsStartup() {
		contextRunner(this.database, nats.url()).withUserConfiguration(UnbindableListener.class)
			.withPropertyValues("jetway.consumers.unbindable.stream=ORDERS")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("@JetStreamListener(\"unbindable\")")
				.hasStackTraceContaining("cannot be bound"));
	}

	@Test
	void inboxWithoutAProcessedRowKeepsNoInboxRowsWhenOff() {
		contextRunner(this.database, nats.url()).withUserConfiguration(FailOnceListener.class)
			.withPropertyValues("jetway.consumers.fail-once.stream=ORDERS", "jetway.consumers.fail-once.backoff=100ms")
			.run((context) -> {
				context.getBean(JetwayPublisher.class).publish("orders.created", new Order("o-6", 1));
				await().atMost(Duration.ofSeconds(10)).until(() -> effects(this.database) == 1);
				assertThat(inboxRows(this.database, "processed")).isZero();
			});
	}

	record Order(String id, int total) {
	}

	static class FlakyListener {

		final List<Instant> deliveries = new CopyOnWriteArrayList<>();

		private final JdbcTemplate jdbc;

		FlakyListener(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@JetStreamListener("flaky")
		void on(Order order, MessageContext context) {
			this.deliveries.add(Instant.now());
			if (context.deliveryCount() < 3) {
				throw new IllegalStateException("not yet (delivery " + context.deliveryCount() + ")");
			}
			this.jdbc.update("INSERT INTO effects VALUES (?, ?)", context.messageId(), order.id());
		}

	}

	static class FailingListener {

		final AtomicInteger calls = new AtomicInteger();

		@JetStreamListener("failing")
		void on(String body) {
			this.calls.incrementAndGet();
			throw new IllegalStateException("always broken");
		}

	}

	static class PickyListener {

		final AtomicInteger calls = new AtomicInteger();

		@JetStreamListener("picky")
		void on(Order order) {
			this.calls.incrementAndGet();
			if (order.id().equals("listed")) {
				throw new IllegalArgumentException("listed as non-retryable");
			}
			throw new NonRetryableException("Jetway's own");
		}

	}

	static class FailOnceListener {

		private final JdbcTemplate jdbc;

		private final AtomicInteger calls = new AtomicInteger();

		FailOnceListener(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@JetStreamListener("fail-once")
		void on(Order order, MessageContext context) {
			if (this.calls.incrementAndGet() == 1) {
				throw new IllegalStateException("first call fails");
			}
			this.jdbc.update("INSERT INTO effects VALUES (?, ?)", context.messageId(), order.id());
		}

	}

	static class BindingListeners {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@JetStreamListener("text")
		void text(MessageContext context, String body) {
			this.seen.add("text:" + body + ":" + context.subject() + ":" + context.deliveryCount());
		}

		@JetStreamListener("tree")
		void tree(JsonNode body) {
			this.seen.add("tree:" + body.get("a").asInt());
		}

	}

	static class UnbindableListener {

		@JetStreamListener("unbindable")
		void on(int number) {
		}

	}

}
