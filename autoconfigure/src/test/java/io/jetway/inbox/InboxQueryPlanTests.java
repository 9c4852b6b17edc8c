package io.jetway.inbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.jetway.jdbc.DatabaseType;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-batch inbox lookup on PostgreSQL probes the primary key on a table that was
 * just filled and never analyzed (where an {@code IN} list is planned as a sequential
 * scan of the whole table), with custom and generic plans alike.
 */
class InboxQueryPlanTests {

	private static final int ROWS = 50_000;

	private static TestDatabaseInstance database;

	private static JdbcTemplate jdbc;

	@BeforeAll
	static void fillInbox() {
		database = TestDatabase.POSTGRESQL.create();
		new ResourceDatabasePopulator(new ClassPathResource("io/jetway/jdbc/schema-postgresql.sql"))
			.execute(database.dataSource());
		jdbc = new JdbcTemplate(database.dataSource());
		// no statistics while the test runs, as right after a burst into a fresh table
		jdbc.execute("ALTER TABLE jetway_inbox SET (autovacuum_enabled = false)");
		jdbc.update("INSERT INTO jetway_inbox (consumer, message_id, subject, status, deliveries, received_at) "
				+ "SELECT 'c', 'm-' || g, 's', 'processed', 1, now() FROM generate_series(1, " + ROWS + ") g");
	}

	@AfterAll
	static void dropDatabase() {
		database.close();
	}

	@Test
	void findsTheStatusesOfTheIdsThatHaveRows() {
		InboxRepository repository = new InboxRepository(jdbc, DatabaseType.POSTGRESQL);
		jdbc.update("UPDATE jetway_inbox SET status = 'failed' WHERE message_id = ?", "m-" + ROWS);
		Map<String, String> statuses = repository.statusesOf("c", ids(ROWS - 1, ROWS + 2));
		assertThat(statuses).containsOnly(Map.entry("m-" + (ROWS - 1), "processed"), Map.entry("m-" + ROWS, "failed"));
		assertThat(repository.statusesOf("another-consumer", ids(1, 3))).isEmpty();
	}

	@Test
	void probesThePrimaryKeyWithoutStatistics() throws Exception {
		assertThat(jdbc.queryForObject("SELECT last_analyze IS NULL AND last_autoanalyze IS NULL "
				+ "FROM pg_stat_user_tables WHERE relname = 'jetway_inbox'", Boolean.class))
			.as("the table must not have been analyzed for this test to mean something")
			.isTrue();
		String ids = "{" + String.join(",", ids(ROWS - 50, ROWS + 49)) + "}";
		String statement = InboxRepository.POSTGRESQL_STATUSES.replaceFirst("\\?", "\\$1").replaceFirst("\\?", "\\$2");
		try (SingleConnectionDataSource single = new SingleConnectionDataSource(database.dataSource().getConnection(),
				true)) {
			JdbcTemplate connection = new JdbcTemplate(single);
			connection.execute("PREPARE statuses(varchar[], varchar) AS " + statement);
			String execute = "EXPLAIN EXECUTE statuses('" + ids + "', 'c')";
			assertProbesPrimaryKey(String.join("\n", connection.queryForList(execute, String.class)));
			connection.execute("SET plan_cache_mode = force_generic_plan");
			assertProbesPrimaryKey(String.join("\n", connection.queryForList(execute, String.class)));
			connection.execute("RESET plan_cache_mode");
			connection.execute("DEALLOCATE statuses");
		}
	}

	private static void assertProbesPrimaryKey(String plan) {
		assertThat(plan).contains("Index Scan using jetway_inbox_pkey").doesNotContain("Seq Scan on jetway_inbox");
	}

	private static List<String> ids(int from, int to) {
		List<String> ids = new ArrayList<>();
		for (int i = from; i <= to; i++) {
			ids.add("m-" + i);
		}
		return ids;
	}

}
