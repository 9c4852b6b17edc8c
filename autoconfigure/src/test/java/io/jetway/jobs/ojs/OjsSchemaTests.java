package io.jetway.jobs.ojs;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The columns OJS added to {@code jetway_jobs} later are checked at startup: MySQL's
 * script cannot add them to a table an earlier version created.
 */
class OjsSchemaTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@Test
	void aMissingOjsColumnOfAnOlderMariaDbTableFailsStartupNamingIt() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.MARIADB);
		OjsTestApplication.reset(database, nats.url());
		OjsTestApplication.start(database, nats.url()).close();
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		jdbc.execute("ALTER TABLE jetway_jobs DROP COLUMN ojs_errors");
		try {
			assertThatException().isThrownBy(() -> OjsTestApplication.start(database, nats.url()).close())
				.satisfies((ex) -> assertThat(stackMessages(ex))
					.contains("jetway_jobs.ojs_errors (external workers (jetway.jobs.ojs))"));
		}
		finally {
			jdbc.execute("ALTER TABLE jetway_jobs ADD COLUMN ojs_errors MEDIUMTEXT");
			OjsTestApplication.reset(database, nats.url());
		}
	}

	private static String stackMessages(Throwable ex) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

}
