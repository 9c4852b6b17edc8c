package io.jetway.consumer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler that hangs is interrupted after the consumer's handler timeout, its delivery
 * counts as failed, and the consumer goes on, also when the handler ignores the
 * interrupt.
 */
class HandlerTimeoutTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private TestDatabaseInstance database;

	@BeforeEach
	void reset() throws Exception {
		this.database = databases.get(TestDatabase.H2);
		ConsumerTestSupport.reset(this.database, nats.url());
		HangingListener.release = new CountDownLatch(1);
		HangingListener.handled.clear();
		HangingListener.hangs.set(0);
	}

	@AfterEach
	void releaseHungHandlers() {
		HangingListener.release.countDown();
	}

	@Test
	void hangingHandlerIgnoringTheInterruptDoesNotStopTheConsumer() {
		runWithOneHangingMessage(false);
	}

	@Test
	void hangingHandlerThatHonoursTheInterruptIsInterruptedAndTheConsumerGoesOn() {
		runWithOneHangingMessage(true);
	}

	private void runWithOneHangingMessage(boolean interruptible) {
		contextRunner(this.database, nats.url()).withUserConfiguration(HangingListener.class)
			.withPropertyValues("jetway.consumers.hanging.stream=ORDERS", "jetway.consumers.hanging.concurrency=1",
					"jetway.consumers.hanging.handler-timeout=1s", "jetway.consumers.hanging.max-deliver=2",
					"jetway.consumers.hanging.backoff=200ms", "jetway.consumers.hanging.ack-wait=2s")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				publisher.publish("orders.created", interruptible ? "hang-interruptibly" : "hang");
				await().atMost(Duration.ofSeconds(5)).until(() -> HangingListener.hangs.get() == 1);
				for (int i = 0; i < 10; i++) {
					publisher.publish("orders.created", "ok-" + i);
				}
				await().atMost(Duration.ofSeconds(15)).until(() -> HangingListener.handled.size() == 10);
				// the hanging message failed twice (max-deliver 2) and was dead-lettered;
				// while a handler that ignores the interrupt still runs, its message's
				// redelivery fails at once instead of hanging a second worker
				DeadLetters deadLetters = context.getBean(DeadLetters.class);
				await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters.list(10).size() == 1);
				DeadLetter deadLetter = deadLetters.list(10).get(0);
				assertThat(new String(deadLetter.body())).startsWith("hang");
				assertThat(deadLetter.exception()).isEqualTo("io.jetway.consumer.HandlerTimeoutException");
				assertThat(deadLetter.deliveries()).isEqualTo(2);
				assertThat(HangingListener.hangs.get()).isEqualTo(interruptible ? 2 : 1);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> context.getBean(JetStreamManagement.class)
						.getConsumerInfo("ORDERS", "hanging")
						.getNumAckPending() == 0);
				assertThat(HangingListener.handled).hasSize(10);
			});
	}

	static class HangingListener {

		static volatile CountDownLatch release = new CountDownLatch(1);

		static final List<String> handled = new CopyOnWriteArrayList<>();

		static final AtomicInteger hangs = new AtomicInteger();

		@JetStreamListener("hanging")
		void on(String body) throws InterruptedException {
			if (body.equals("hang-interruptibly")) {
				hangs.incrementAndGet();
				release.await(1, TimeUnit.HOURS);
				return;
			}
			if (body.equals("hang")) {
				hangs.incrementAndGet();
				while (release.getCount() > 0) {
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						// a handler that ignores interruption
					}
				}
				return;
			}
			handled.add(body);
		}

	}

}
