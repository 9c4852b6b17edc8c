package io.jetway.jobs;

import java.util.List;

import io.jetway.jdbc.KeyedBatchStatements;
import io.jetway.jdbc.UnanalyzedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim and completion statements on PostgreSQL, prepared while {@code jetway_jobs}
 * was empty (as right after startup) and run when the table is large and not analyzed,
 * probe the primary key with the settings of their transactions
 * ({@link KeyedBatchStatements#settings}), with a custom plan and with the generic plan
 * that is then cached.
 */
class JobQueryPlanTests {

	@Test
	void claimProbesThePrimaryKeyEvenWhenPreparedOnAnEmptyTable() throws Exception {
		try (UnanalyzedPostgres postgres = UnanalyzedPostgres.withJetwaySchema("jetway_jobs")) {
			postgres.prepare("claim", List.of("timestamptz", "uuid[]", "int8[]", "timestamptz"),
					JobRepository.POSTGRESQL_CLAIM);
			List<String> ids = fill(postgres, "completed", 20);
			String sequences = String.join(",", java.util.Collections.nCopies(ids.size(), "7"));
			String execute = "EXECUTE claim(now(), '{" + String.join(",", ids) + "}', '{" + sequences + "}', now())";
			assertProbesPrimaryKey(postgres, execute, true);
		}
	}

	@Test
	void completionProbesThePrimaryKeyEvenWhenPreparedOnAnEmptyTable() throws Exception {
		try (UnanalyzedPostgres postgres = UnanalyzedPostgres.withJetwaySchema("jetway_jobs")) {
			postgres.prepare("finish",
					List.of("timestamptz", "uuid[]", "int4[]", "text[]", "text[]", "text[]", "text[]", "bool[]"),
					JobRepository.POSTGRESQL_FINISH_ALL);
			List<String> ids = fill(postgres, "running", 2);
			String execute = "EXECUTE finish(now(), '{" + String.join(",", ids)
					+ "}', '{1,1}', '{completed,completed}', '{NULL,NULL}', '{NULL,NULL}', '{NULL,NULL}', '{t,t}')";
			assertProbesPrimaryKey(postgres, execute, false);
		}
	}

	@Test
	void dispatchRecoveryWalksItsIndexEvenWhenPreparedOnAnEmptyTable() throws Exception {
		try (UnanalyzedPostgres postgres = UnanalyzedPostgres.withJetwaySchema("jetway_jobs")) {
			postgres.prepare("pending", List.of("text", "uuid", "text", "int4"), JobDispatchRepository.PENDING);
			fill(postgres, "completed", 0);
			postgres.jdbc().update("UPDATE jetway_jobs SET enqueue_xid = pg_current_xact_id()");
			assertThat(postgres.neverAnalyzed("jetway_jobs")).isTrue();
			String execute = "EXECUTE pending('0', '00000000-0000-0000-0000-000000000000', "
					+ "pg_snapshot_xmin(pg_current_snapshot())::text, 500)";
			for (String planCacheMode : List.of("force_generic_plan", "force_custom_plan")) {
				assertThat(postgres.plan(execute, planCacheMode)).contains("jetway_jobs_dispatch_idx")
					.doesNotContain("Seq Scan on jetway_jobs");
			}
		}
	}

	/**
	 * Fills the table with 50,000 jobs in the given state, leaves it unanalysed.
	 * @return the ids of the first {@code count} jobs
	 */
	private static List<String> fill(UnanalyzedPostgres postgres, String status, int count) {
		JdbcTemplate jdbc = postgres.jdbc();
		jdbc.update("INSERT INTO jetway_jobs (id, type, queue, status, attempts, max_attempts, payload, created_at, "
				+ "run_at, updated_at) SELECT gen_random_uuid(), 't', 'q', ?, 1, 3, '{}', now(), now(), now() "
				+ "FROM generate_series(1, 50000)", status);
		assertThat(postgres.neverAnalyzed("jetway_jobs")).isTrue();
		return jdbc.queryForList("SELECT id::text FROM jetway_jobs LIMIT ?", String.class, count);
	}

	private static void assertProbesPrimaryKey(UnanalyzedPostgres postgres, String execute, boolean deferFlush) {
		for (String planCacheMode : List.of("force_generic_plan", "force_custom_plan")) {
			assertThat(postgres.plan(execute, planCacheMode, KeyedBatchStatements.settings(deferFlush)))
				.contains("jetway_jobs_pkey")
				.doesNotContain("Seq Scan on jetway_jobs");
		}
	}

}
