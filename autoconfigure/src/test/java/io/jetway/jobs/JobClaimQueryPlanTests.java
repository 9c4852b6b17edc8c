package io.jetway.jobs;

import java.util.List;

import io.jetway.jdbc.DatabaseType;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim statement on PostgreSQL, prepared while {@code jetway_jobs} was empty (as
 * right after startup) and run when the table is large and not analyzed, probes the
 * primary key: with the generic plan a prepared statement keeps (no index holds a column
 * of the status filter), and in a claim transaction ({@link DatabaseType#prepareClaim}),
 * which plans it for the ids given.
 */
class JobClaimQueryPlanTests {

	@Test
	void claimProbesThePrimaryKeyEvenWhenPreparedOnAnEmptyTable() throws Exception {
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create();
				SingleConnectionDataSource single = new SingleConnectionDataSource(
						database.dataSource().getConnection(), true)) {
			new ResourceDatabasePopulator(new ClassPathResource("io/jetway/jdbc/schema-postgresql.sql"))
				.execute(single);
			JdbcTemplate jdbc = new JdbcTemplate(single);
			jdbc.execute("ALTER TABLE jetway_jobs SET (autovacuum_enabled = false)");
			String claim = JobRepository.POSTGRESQL_CLAIM.replaceFirst("\\?", "\\$1")
				.replaceFirst("\\?", "\\$2")
				.replaceFirst("\\?", "\\$3");
			jdbc.execute("PREPARE claim(timestamptz, timestamptz, uuid[]) AS " + claim);
			jdbc.update("INSERT INTO jetway_jobs (id, type, queue, status, attempts, max_attempts, payload, "
					+ "created_at, run_at, updated_at) SELECT gen_random_uuid(), 't', 'q', 'completed', 1, 3, '{}', "
					+ "now(), now(), now() FROM generate_series(1, 50000)");
			List<String> ids = jdbc.queryForList("SELECT id::text FROM jetway_jobs LIMIT 20", String.class);
			String explain = "EXPLAIN EXECUTE claim(now(), now(), '{" + String.join(",", ids) + "}')";
			jdbc.execute("BEGIN");
			jdbc.execute("SET LOCAL plan_cache_mode = force_generic_plan");
			assertProbesPrimaryKey(String.join("\n", jdbc.queryForList(explain, String.class)));
			jdbc.execute("ROLLBACK");
			jdbc.execute("BEGIN");
			DatabaseType.POSTGRESQL.prepareClaim(jdbc, true);
			assertProbesPrimaryKey(String.join("\n", jdbc.queryForList(explain, String.class)));
			jdbc.execute("ROLLBACK");
			jdbc.execute("DEALLOCATE claim");
		}
	}

	private static void assertProbesPrimaryKey(String plan) {
		assertThat(plan).contains("jetway_jobs_pkey").doesNotContain("Seq Scan on jetway_jobs");
	}

}
