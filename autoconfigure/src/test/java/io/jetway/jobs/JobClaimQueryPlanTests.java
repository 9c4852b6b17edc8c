package io.jetway.jobs;

import java.util.List;

import io.jetway.jdbc.DatabaseType;
import io.jetway.jdbc.UnanalyzedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim statement on PostgreSQL, prepared while {@code jetway_jobs} was empty (as
 * right after startup) and run when the table is large and not analyzed, probes the
 * primary key: with the generic plan a prepared statement keeps (no index holds a column
 * of the status filter), and in a claim transaction
 * ({@link DatabaseType#prepareKeyedBatch}), which plans it for the ids given.
 */
class JobClaimQueryPlanTests {

	@Test
	void claimProbesThePrimaryKeyEvenWhenPreparedOnAnEmptyTable() throws Exception {
		try (UnanalyzedPostgres postgres = UnanalyzedPostgres.withJetwaySchema("jetway_jobs")) {
			JdbcTemplate jdbc = postgres.jdbc();
			postgres.prepare("claim", List.of("timestamptz", "timestamptz", "uuid[]"), JobRepository.POSTGRESQL_CLAIM);
			jdbc.update("INSERT INTO jetway_jobs (id, type, queue, status, attempts, max_attempts, payload, "
					+ "created_at, run_at, updated_at) SELECT gen_random_uuid(), 't', 'q', 'completed', 1, 3, '{}', "
					+ "now(), now(), now() FROM generate_series(1, 50000)");
			List<String> ids = jdbc.queryForList("SELECT id::text FROM jetway_jobs LIMIT 20", String.class);
			String execute = "EXECUTE claim(now(), now(), '{" + String.join(",", ids) + "}')";
			assertThat(postgres.neverAnalyzed("jetway_jobs")).isTrue();
			assertProbesPrimaryKey(postgres.plan(execute, "force_generic_plan"));
			// what a claim transaction sets
			jdbc.execute("BEGIN");
			try {
				DatabaseType.POSTGRESQL.prepareKeyedBatch(jdbc, true);
				assertProbesPrimaryKey(String.join("\n", jdbc.queryForList("EXPLAIN " + execute, String.class)));
			}
			finally {
				jdbc.execute("ROLLBACK");
			}
		}
	}

	private static void assertProbesPrimaryKey(String plan) {
		assertThat(plan).contains("jetway_jobs_pkey").doesNotContain("Seq Scan on jetway_jobs");
	}

}
