package io.jetway.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.OutgoingMessage;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.outbox.OutboxTestSupport.contextRunner;
import static io.jetway.outbox.OutboxTestSupport.countRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The recovery poller gets its turn while the relay's in-memory queue never empties.
 */
class OutboxRelayUnderLoadTests {

	private static final Duration LOAD = Duration.ofSeconds(15);

	private static final Duration BOUND = Duration.ofSeconds(3);

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	/**
	 * Two threads commit 100 events per transaction for 15 s, far above what a relay with
	 * batch size 1 publishes, so its queue is never empty; meanwhile one event a second
	 * is committed with {@code notBefore = now + 1s}, which only the poller publishes.
	 * (The recovery delay is longer than the test, so the rows still queued do not
	 * compete with them in the poller's claim.) Each delayed event must be in the stream
	 * within 3 s of its notBefore.
	 */
	@Test
	void delayedEventsArePublishedWhenDueWhileTheQueueNeverEmpties() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OutboxTestSupport.reset(database, nats.url());
		contextRunner(database, nats.url())
			.withPropertyValues("jetway.outbox.relay.batch-size=1", "jetway.outbox.relay.recovery-delay=10m")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
				Map<Integer, Instant> due = new ConcurrentHashMap<>();
				AtomicInteger delayed = new AtomicInteger();
				Instant end = Instant.now().plus(LOAD);
				ExecutorService load = Executors.newFixedThreadPool(2);
				ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
				try {
					Future<?> first = load.submit(() -> commitUntil(end, publisher, transactions));
					Future<?> second = load.submit(() -> commitUntil(end, publisher, transactions));
					timer.scheduleAtFixedRate(() -> {
						int n = delayed.getAndIncrement();
						Instant notBefore = Instant.now().plusSeconds(1);
						transactions.executeWithoutResult(
								(status) -> publisher.publish(OutgoingMessage.builder("orders.delayed." + n, "delayed")
									.notBefore(notBefore)
									.build()));
						due.put(n, notBefore);
					}, 500, 1000, TimeUnit.MILLISECONDS);
					first.get();
					second.get();
					timer.shutdownNow();
					timer.awaitTermination(5, TimeUnit.SECONDS);
					// the load is still far from published: the queue was never empty
					assertThat(countRows(database, "pending")).isGreaterThan(1000);
					await().atMost(BOUND.plusSeconds(1))
						.until(() -> due.keySet().stream().allMatch((n) -> publishedAt(n) != null));
					for (Map.Entry<Integer, Instant> event : due.entrySet()) {
						assertThat(Duration.between(event.getValue(), publishedAt(event.getKey())))
							.as("delay past notBefore of delayed event %d", event.getKey())
							.isLessThanOrEqualTo(BOUND);
					}
					assertThat(due).hasSizeGreaterThanOrEqualTo(10);
				}
				finally {
					load.shutdownNow();
					timer.shutdownNow();
				}
			});
	}

	private static void commitUntil(Instant end, JetwayPublisher publisher, TransactionTemplate transactions) {
		while (Instant.now().isBefore(end)) {
			transactions.executeWithoutResult((status) -> {
				for (int i = 0; i < 100; i++) {
					publisher.publish("orders.load", "load");
				}
			});
		}
	}

	private static Instant publishedAt(int n) {
		try (Connection connection = Nats.connect(nats.url())) {
			MessageInfo message = connection.jetStreamManagement().getLastMessage("ORDERS", "orders.delayed." + n);
			return message.getTime().toInstant();
		}
		catch (JetStreamApiException ex) {
			return null;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
