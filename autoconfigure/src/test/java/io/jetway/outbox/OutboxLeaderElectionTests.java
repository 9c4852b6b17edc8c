package io.jetway.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.outbox.OutboxTestSupport.contextRunner;
import static io.jetway.outbox.OutboxTestSupport.countRows;
import static org.assertj.core.api.Assertions.assertThat;
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
					ExecutorService load = Executors.newSingleThreadExecutor();
					try {
						Instant end = Instant.now().plusSeconds(12);
						Future<Integer> committed = load.submit(() -> {
							int events = 0;
							while (Instant.now().isBefore(end)) {
								transactions.executeWithoutResult((status) -> {
									for (int i = 0; i < 10; i++) {
										publisher.publish("orders.created", "during the election");
									}
								});
								events += 10;
							}
							return events;
						});
						await().atMost(Duration.ofSeconds(10)).until(() -> countRows(database, "sent") >= 100);
						cluster.kill(leader);
						int newLeader = cluster.awaitStreamLeader("ORDERS", Duration.ofSeconds(30));
						assertThat(newLeader).isNotEqualTo(leader);
						int events = committed.get();
						await().atMost(Duration.ofSeconds(30)).until(() -> countRows(database, "sent") == events);
						assertThat(countRows(database, "failed")).isZero();
						JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
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

}
