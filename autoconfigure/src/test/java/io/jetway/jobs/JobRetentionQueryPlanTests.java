package io.jetway.jobs;

import java.util.List;

import io.jetway.jdbc.UnanalyzedPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention's statements on PostgreSQL, prepared while {@code jetway_jobs} was empty
 * and run when it is large and not analysed, walk the listing index
 * {@code (queue, created_at)} (the table has no index on a column a state transition
 * changes, see {@link JobRetentionRepository}) and delete by primary key, with a custom
 * plan and with the generic plan that is then cached.
 */
class JobRetentionQueryPlanTests {

	@Test
	void deleteWalksTheListingIndexAndDeletesByPrimaryKey() throws Exception {
		try (UnanalyzedPostgres postgres = UnanalyzedPostgres.withJetwaySchema("jetway_jobs")) {
			postgres.prepare(
					"retention", List.of("text", "timestamptz", "timestamptz", "timestamptz", "timestamptz",
							"timestamptz", "timestamptz", "timestamptz", "int4"),
					JobRetentionRepository.POSTGRESQL_DELETE);
			fill(postgres);
			String execute = "EXECUTE retention('q1', 'epoch', now() - interval '1 hour', now() - interval '7 days', "
					+ "now() - interval '30 days', now() - interval '30 days', '9999-01-01', now() - interval '1 day', 1000)";
			for (String planCacheMode : List.of("force_generic_plan", "force_custom_plan")) {
				assertThat(postgres.plan(execute, planCacheMode)).contains("jetway_jobs_queue_idx")
					.contains("jetway_jobs_pkey")
					.doesNotContain("Seq Scan on jetway_jobs");
			}
		}
	}

	@Test
	void queuesAreFoundWithOneIndexProbePerQueue() throws Exception {
		try (UnanalyzedPostgres postgres = UnanalyzedPostgres.withJetwaySchema("jetway_jobs")) {
			fill(postgres);
			for (String planCacheMode : List.of("force_generic_plan", "force_custom_plan")) {
				assertThat(postgres.plan(JobRetentionRepository.POSTGRESQL_QUEUES, planCacheMode))
					.contains("jetway_jobs_queue_idx")
					.doesNotContain("Seq Scan on jetway_jobs");
			}
			assertThat(postgres.jdbc().queryForList(JobRetentionRepository.POSTGRESQL_QUEUES, String.class))
				.containsExactly("q0", "q1", "q2", "q3");
		}
	}

	/**
	 * 50,000 completed jobs in four queues, created over the last 40 days; the table is
	 * left unanalysed.
	 */
	private static void fill(UnanalyzedPostgres postgres) {
		postgres.jdbc()
			.update("INSERT INTO jetway_jobs (id, type, queue, status, attempts, max_attempts, payload, created_at, "
					+ "run_at, completed_at, updated_at) SELECT gen_random_uuid(), 't', 'q' || (i % 4), 'completed', "
					+ "1, 3, '{}', c, c, c, c FROM generate_series(1, 50000) AS i, "
					+ "LATERAL (SELECT now() - (i * interval '69 seconds') AS c) AS t");
		assertThat(postgres.neverAnalyzed("jetway_jobs")).isTrue();
	}

}
