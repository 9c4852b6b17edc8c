package io.jetway.outbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsClusterProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.outbox.OutboxTestSupport.contextRunner;
import static io.jetway.outbox.OutboxTestSupport.countRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * On a three-node cluster, the leader of an R3 stream is killed while events are
 * committed: while the stream elects a new leader, publishes get no responders or no
 * PubAck; none of that spends an outbox attempt, and every event is published once the
 * stream has a leader again.
 */
class OutboxLeaderElectionTests {

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final int TRANSACTIONS = 400;

	private static final int EVENTS_PER_TRANSACTION = 10;

	@Test
	void killingTheStreamLeaderSpendsNoAttemptAndLosesNothing() throws Exception {
		try (NatsClusterProcess cluster = NatsClusterProcess.start()) {
			try (Connection connection = Nats.connect(cluster.node(0).url())) {
				connection.jetStreamManagement()
					.addStream(StreamConfiguration.builder()
						.name("ORDERS")
						.subjects("orders.>")
						.replicas(3)
						.storageType(StorageType.File)
						.build());
			}
			int leader = cluster.awaitStreamLeader("ORDERS", Duration.ofSeconds(30));
			// the application talks to the other two nodes, so it stays connected
			List<String> others = IntStream.range(0, cluster.size())
				.filter((node) -> node != leader)
				.mapToObj((node) -> cluster.node(node).url())
				.toList();
			TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
			contextRunner(database, String.join(",", others))
				.withPropertyValues("jetway.topology.streams.ORDERS.replicas=3", "jetway.outbox.relay.ack-timeout=1s",
						"jetway.outbox.relay.max-attempts=2", "jetway.outbox.relay.backoff.initial=200ms",
						"jetway.outbox.relay.backoff.max=200ms", "jetway.outbox.relay.backoff.jitter=0")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
					TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
					// paced, so that the backlog after the election drains in seconds
					// even on a
					// busy machine: the test is about what the election does, not
					// throughput
					ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
					AtomicInteger transactionsLeft = new AtomicInteger(TRANSACTIONS);
					CompletableFuture<Integer> committed = new CompletableFuture<>();
					try {
						load.scheduleAtFixedRate(() -> {
							try {
								transactions.executeWithoutResult((status) -> {
									for (int i = 0; i < EVENTS_PER_TRANSACTION; i++) {
										publisher.publish("orders.created", "during the election");
									}
								});
								if (transactionsLeft.decrementAndGet() == 0) {
									committed.complete(TRANSACTIONS * EVENTS_PER_TRANSACTION);
									throw new CancellationException("all committed");
								}
							}
							catch (RuntimeException ex) {
								committed.completeExceptionally(ex);
								throw ex;
							}
						}, 0, 20, TimeUnit.MILLISECONDS);
						await().atMost(Duration.ofSeconds(10)).until(() -> countRows(database, "sent") >= 100);
						cluster.kill(leader);
						int newLeader = cluster.awaitStreamLeader("ORDERS", Duration.ofSeconds(30));
						assertThat(newLeader).isNotEqualTo(leader);
						int events = committed.get(60, TimeUnit.SECONDS);
						JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
						await().atMost(Duration.ofSeconds(60))
							.untilAsserted(() -> assertThat(rowsByStatus(jdbc))
								.containsExactly(entry("sent", events + " rows")));
						// attempts count the successful publish only
						assertThat(jdbc.queryForObject("SELECT MAX(attempts) FROM jetway_outbox", Integer.class))
							.isEqualTo(1);
						try (Connection check = Nats.connect(others.get(0))) {
							assertThat(
									check.jetStreamManagement().getStreamInfo("ORDERS").getStreamState().getMsgCount())
								.isEqualTo(events);
						}
					}
					finally {
						load.shutdownNow();
					}
				});
		}
	}

	/**
	 * @return the rows per status with the first error of each, so that a failure says
	 * whether rows are still pending (slow) or failed (an outage counted as the message's
	 * failure)
	 */
	private static Map<String, String> rowsByStatus(JdbcTemplate jdbc) {
		Map<String, String> rows = new TreeMap<>();
		jdbc.query("SELECT status, COUNT(*), MIN(last_error) FROM jetway_outbox GROUP BY status",
				(RowCallbackHandler) (row) -> rows.put(row.getString(1), row.getLong(2) + " rows"
						+ ((row.getString(3) != null) ? ", first error: " + row.getString(3) : "")));
		return rows;
	}

}
