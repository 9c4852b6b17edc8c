package io.jetway.consumer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler given up on while the database did not answer has its messages held; the
 * database answers again while that handler still runs (a partition that healed without
 * closing connections, so the hung statement's session lives on). The held message must
 * not be processed while the hung handler runs (a real inbox claim would wait for its
 * uncommitted row without a timeout): it is held while the database does not answer, and
 * failed once the hung handler still runs the watchdog's grace after the database
 * answered. The database is a test {@link DeliveryProcessor} whose probe the test
 * controls; the handler blocks without answering interrupts. Also: a probe that outlasts
 * the container's stop does not move the held messages into the next run.
 */
class HeldHandlerStillRunningTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@Test
	void heldMessageIsFailedAfterTheGraceOnceTheDatabaseAnswersWhileItsHandlerStillRuns() throws Exception {
		ProbedDatabase probed = new ProbedDatabase();
		runWithHangingHandler(probed, (context, listener) -> {
			ListenerContainer container = context.getBean(JetStreamListenerRegistry.class).getContainer("hanging");
			await().atMost(Duration.ofSeconds(20)).until(container::isHeldByOutage);
			// held, and not processed again, while the database does not answer
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(4))
				.until(() -> container.isHeldByOutage() && listener.runs.get() == 1
						&& ConsumerTestSupport.streamCount(nats.url(), "JETWAY_DLQ") == 0);
			probed.answers.set(true);
			// the hung handler still runs after the grace (1 s): failed, on its last
			// delivery dead-lettered; never processed while its handler runs
			await().atMost(Duration.ofSeconds(20))
				.until(() -> ConsumerTestSupport.streamCount(nats.url(), "JETWAY_DLQ") == 1);
			assertThat(listener.runs).hasValue(1);
			await().atMost(Duration.ofSeconds(10)).until(() -> !container.isHeldByOutage());
		});
	}

	@Test
	void probeOutlastingAStopHandsTheMessageBackInsteadOfRunningItInTheNextRun() throws Exception {
		ProbedDatabase probed = new ProbedDatabase();
		CountDownLatch slowProbe = new CountDownLatch(1);
		probed.slowProbe = slowProbe;
		runWithHangingHandler(probed, (context, listener) -> {
			// the handler is given up on, and the probe of the database hangs
			assertThat(probed.probing.await(20, TimeUnit.SECONDS)).isTrue();
			ListenerContainer container = context.getBean(JetStreamListenerRegistry.class).getContainer("hanging");
			container.stop();
			container.start();
			// no answer: the stopped run hands the message back (nak), and its
			// redelivery, beyond max-deliver, is dead-lettered without its
			// handler; not held, nor run again, in the new run
			slowProbe.countDown();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> ConsumerTestSupport.streamCount(nats.url(), "JETWAY_DLQ") == 1);
			assertThat(listener.runs).hasValue(1);
			assertThat(container.isHeldByOutage()).isFalse();
		});
	}

	/**
	 * Runs a context whose listener hangs on its first message, publishes that message
	 * and waits for the handler to start; the hung handler is released at the end.
	 */
	private static void runWithHangingHandler(ProbedDatabase probed, HangingTest test) throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		ConsumerTestSupport.reset(database, nats.url());
		contextRunner(database, nats.url()).withBean(HangingListener.class)
			.withBean(DeliveryProcessorFactory.class, () -> probed)
			.withPropertyValues("jetway.consumers.hanging.stream=ORDERS", "jetway.consumers.hanging.inbox=true",
					"jetway.consumers.hanging.concurrency=1", "jetway.consumers.hanging.max-deliver=1",
					"jetway.consumers.hanging.handler-timeout=1s", "jetway.consumers.hanging.backoff=200ms",
					"jetway.listener.shutdown-timeout=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HangingListener listener = context.getBean(HangingListener.class);
				try {
					ConsumerTestSupport.publishOrder(nats.url());
					assertThat(listener.started.await(20, TimeUnit.SECONDS)).isTrue();
					test.run(context, listener);
				}
				finally {
					listener.release.countDown();
				}
			});
	}

	@FunctionalInterface
	interface HangingTest {

		void run(AssertableApplicationContext context, HangingListener listener) throws Exception;

	}

	/**
	 * Runs the handler directly; its database answers the probe once the test says so.
	 */
	static class ProbedDatabase implements DeliveryProcessorFactory {

		final AtomicBoolean answers = new AtomicBoolean();

		/** Signalled by the first probe. */
		final CountDownLatch probing = new CountDownLatch(1);

		/** When set, the first probe answers once it is counted down. */
		volatile CountDownLatch slowProbe;

		@Override
		public DeliveryProcessor create(ListenerInvoker invoker,
				JetwayConsumersProperties.ConsumerProperties properties) {
			return new DeliveryProcessor() {

				@Override
				public List<DeliveryOutcome> process(List<Message> messages) {
					return messages.stream().map(invoker::invokeForOutcome).toList();
				}

				@Override
				public boolean databaseAnswers() {
					ProbedDatabase.this.probing.countDown();
					CountDownLatch slow = ProbedDatabase.this.slowProbe;
					if (slow != null) {
						ProbedDatabase.this.slowProbe = null;
						awaitIgnoringInterrupts(slow);
					}
					return ProbedDatabase.this.answers.get();
				}

			};
		}

	}

	static class HangingListener {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger runs = new AtomicInteger();

		@JetStreamListener("hanging")
		void on(byte[] body) {
			if (this.runs.incrementAndGet() == 1) {
				this.started.countDown();
				awaitIgnoringInterrupts(this.release);
			}
		}

	}

	private static void awaitIgnoringInterrupts(CountDownLatch latch) {
		boolean interrupted = false;
		while (true) {
			try {
				if (latch.await(60, TimeUnit.SECONDS)) {
					break;
				}
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

}
