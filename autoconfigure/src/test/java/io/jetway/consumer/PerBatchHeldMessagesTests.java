package io.jetway.consumer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static io.jetway.consumer.ConsumerTestSupport.effects;
import static io.jetway.consumer.ConsumerTestSupport.inboxRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A per-batch consumer whose batch takes far longer than the ack wait: every message the
 * container holds (waiting, running, or handled and not yet committed) is kept alive
 * until it is settled, so no other instance gets it meanwhile.
 */
class PerBatchHeldMessagesTests {

	private static final int MESSAGES = 30;

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private TestDatabaseInstance database;

	@BeforeEach
	void reset() throws Exception {
		this.database = databases.get(TestDatabase.POSTGRESQL);
		ConsumerTestSupport.reset(this.database, nats.url());
		SlowListener.calls.clear();
	}

	@Test
	void batchesLongerThanTheAckWaitOnTwoInstancesHandleEveryMessageOnce() {
		// a batch of 25 takes 25 x 200 ms = 5 s, five times the ack wait; one instance
		// gets a batch of 25, the other the remaining 5 and then pulls again
		ApplicationContextRunner runner = contextRunner(this.database, nats.url())
			.withUserConfiguration(SlowListener.class)
			.withPropertyValues("jetway.consumers.slow.stream=ORDERS", "jetway.consumers.slow.inbox=true",
					"jetway.consumers.slow.transaction=per-batch", "jetway.consumers.slow.batch-size=25",
					"jetway.consumers.slow.ack-wait=1s", "jetway.consumers.slow.max-deliver=3",
					"jetway.consumers.slow.backoff=200ms", "jetway.consumers.slow.auto-startup=false");
		runner.run((first) -> runner.run((second) -> {
			JetwayPublisher publisher = first.getBean(JetwayPublisher.class);
			first.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				for (int i = 0; i < MESSAGES; i++) {
					publisher.publish("orders.created", "m-" + i);
				}
			});
			await().atMost(Duration.ofSeconds(10))
				.until(() -> ConsumerTestSupport.streamCount(nats.url(), "ORDERS") == MESSAGES);
			first.getBean(JetStreamListenerRegistry.class).getContainer("slow").resume();
			second.getBean(JetStreamListenerRegistry.class).getContainer("slow").resume();
			JetStreamManagement management = first.getBean(JetStreamManagement.class);
			await().atMost(Duration.ofSeconds(40))
				.until(() -> inboxRows(this.database, "processed") == MESSAGES
						&& management.getConsumerInfo("ORDERS", "slow").getNumAckPending() == 0);
			assertThat(SlowListener.calls).hasSize(MESSAGES);
			assertThat(SlowListener.calls.values()).allSatisfy((calls) -> assertThat(calls.get()).isOne());
			assertThat(effects(this.database)).isEqualTo(MESSAGES);
			assertThat(ConsumerTestSupport.streamCount(nats.url(), "JETWAY_DLQ")).isZero();
		}));
	}

	static class SlowListener {

		static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

		private final JdbcTemplate jdbc;

		SlowListener(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@JetStreamListener("slow")
		void on(String body, MessageContext context) throws InterruptedException {
			calls.computeIfAbsent(body, (key) -> new AtomicInteger()).incrementAndGet();
			// the handler's work takes a while, so that the outage lands in the middle of
			// it
			await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
			this.jdbc.update("INSERT INTO effects VALUES (?, ?)", context.messageId(), body);
		}

	}

}
