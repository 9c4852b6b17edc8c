package io.jetway.outbox;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.PublishReceipt;
import io.jetway.test.jdbc.HistoryRows;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.outbox.OutboxTestSupport.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The retention cleanup shares the relay's thread without holding up publishing.
 */
class OutboxCleanupTests {

	private static final int BACKLOG = 200_000;

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@Test
	void aBigCleanupBacklogDoesNotHoldUpPublishing() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OutboxTestSupport.reset(database, nats.url());
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		List<Long> cleanups = new CopyOnWriteArrayList<>();
		OutboxObserver observer = new OutboxObserver() {

			@Override
			public void cleanedUp(long deleted, Duration took) {
				cleanups.add(deleted);
			}

		};
		contextRunner(database, nats.url()).withBean("cleanupObserver", OutboxObserver.class, () -> observer)
			.withPropertyValues("jetway.outbox.retention=1h", "jetway.outbox.relay.cleanup-interval=2s")
			.run((context) -> {
				// sent rows over the last week: nearly all past the retention of an hour
				try (Connection connection = database.dataSource().getConnection();
						Statement statement = connection.createStatement()) {
					statement.execute(HistoryRows.outbox(BACKLOG, 100));
				}
				cleanups.clear();
				await("the cleanup run started").atMost(Duration.ofSeconds(30)).until(() -> outboxRows(jdbc) < BACKLOG);
				PublishReceipt receipt = context.getBean(TransactionTemplate.class)
					.execute((status) -> context.getBean(JetwayPublisher.class).publish("orders.created", "now"));
				await("the new row sent").atMost(Duration.ofSeconds(5))
					.until(() -> context.getBean(OutboxOperations.class)
						.find(receipt.id())
						.status() == OutboxStatus.SENT);
				assertThat(cleanups).as("cleanup runs finished before the new row was sent").isEmpty();
				assertThat(outboxRows(jdbc)).as("rows left to delete when the new row was sent")
					.isGreaterThan(BACKLOG / 10);
				await("the cleanup run finished").atMost(Duration.ofSeconds(120))
					.until(() -> cleanups.stream().mapToLong(Long::longValue).sum() >= BACKLOG * 9L / 10);
				assertThat(outboxRows(jdbc)).isLessThan(BACKLOG / 10);
			});
	}

	private static long outboxRows(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT COUNT(*) FROM jetway_outbox", Long.class);
	}

}
