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
 * Inbox retention deletes only processed rows past the retention.
 */
class InboxRetentionTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void removesOnlyOldProcessedRows(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		ConsumerTestSupport.reset(database, nats.url());
		contextRunner(database, nats.url()).withPropertyValues("jetway.inbox.retention=1h").run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
			String insert = "INSERT INTO jetway_inbox (consumer, message_id, subject, status, deliveries, received_at, "
					+ "processed_at) VALUES ('c', ?, 's', ?, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";
			jdbc.update(insert, "old-processed", "processed");
			jdbc.update(insert, "recent-processed", "processed");
			jdbc.update(insert, "old-failed", "failed");
			jdbc.update("UPDATE jetway_inbox SET processed_at = processed_at - INTERVAL '2' HOUR "
					+ "WHERE message_id IN ('old-processed', 'old-failed')");
			assertThat(context.getBean(InboxRetention.class).cleanUp()).isEqualTo(1);
			assertThat(jdbc.queryForList("SELECT message_id FROM jetway_inbox ORDER BY message_id", String.class))
				.containsExactly("old-failed", "recent-processed");
		});
	}

}
