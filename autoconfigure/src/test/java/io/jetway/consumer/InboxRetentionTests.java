package io.jetway.consumer;

import io.jetway.inbox.InboxRetention;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inbox retention deletes processed rows processed, and failed rows first received,
 * before the retention, and nothing younger.
 */
class InboxRetentionTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void removesOldProcessedAndFailedRows(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		ConsumerTestSupport.reset(database, nats.url());
		contextRunner(database, nats.url()).withPropertyValues("jetway.inbox.retention=1h").run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
			String insert = "INSERT INTO jetway_inbox (consumer, message_id, subject, status, deliveries, received_at, "
					+ "processed_at) VALUES ('c', ?, 's', ?, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";
			jdbc.update(insert, "old-processed", "processed");
			jdbc.update(insert, "recent-processed", "processed");
			jdbc.update(insert, "old-failed", "failed");
			jdbc.update(insert, "recent-failed", "failed");
			jdbc.update("UPDATE jetway_inbox SET processed_at = NULL WHERE status <> 'processed'");
			jdbc.update("UPDATE jetway_inbox SET processed_at = processed_at - INTERVAL '2' HOUR "
					+ "WHERE message_id = 'old-processed'");
			jdbc.update("UPDATE jetway_inbox SET received_at = received_at - INTERVAL '2' HOUR "
					+ "WHERE message_id IN ('old-processed', 'old-failed')");
			assertThat(context.getBean(InboxRetention.class).cleanUp()).isEqualTo(2);
			assertThat(jdbc.queryForList("SELECT message_id FROM jetway_inbox ORDER BY message_id", String.class))
				.containsExactly("recent-failed", "recent-processed");
		});
	}

}
