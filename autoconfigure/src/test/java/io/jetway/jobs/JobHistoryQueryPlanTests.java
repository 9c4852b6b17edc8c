package io.jetway.jobs;

import java.util.List;
import java.util.Map;

import io.jetway.jdbc.UnanalyzedPostgres;
import io.jetway.test.jdbc.HistoryRows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statements that read or delete a long history of jobs on PostgreSQL, on a table of
 * {@link UnanalyzedPostgres#historyRows()} finished jobs over 31 days, analysed (as
 * autovacuum keeps a table that size), with custom and generic plans: the listing walks
 * its index backwards, failed jobs are listed from their own partial index, the retention
 * walks the listing index and deletes by primary key; and the transitions of a job that
 * succeeds stay heap-only (HOT) updates with that partial index in place.
 */
class JobHistoryQueryPlanTests {

	private static final long ROWS = UnanalyzedPostgres.historyRows();

	private static UnanalyzedPostgres postgres;

	@BeforeAll
	static void fillJobs() throws Exception {
		postgres = UnanalyzedPostgres.withJetwaySchema();
		postgres.fill("jetway_jobs", HistoryRows.jobs("q", "t", ROWS));
		postgres.prepare("list_failed", List.of("text", "text", "int4", "int4"),
				JobRepository.listStatement(true, JobState.FAILED));
		postgres.prepare("list_status", List.of("text", "text", "int4", "int4"),
				JobRepository.listStatement(true, JobState.COMPLETED));
		postgres.prepare("list_queue", List.of("text", "int4", "int4"), JobRepository.listStatement(true, null));
		postgres.prepare("retention", List.of("text", "timestamptz", "timestamptz", "timestamptz", "timestamptz",
				"timestamptz", "timestamptz", "timestamptz", "int4"), JobRetentionRepository.POSTGRESQL_DELETE);
	}

	@AfterAll
	static void dropDatabase() {
		postgres.close();
	}

	@Test
	void failedJobsAreListedFromTheirPartialIndex() {
		for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
			assertThat(postgres.plan("EXECUTE list_failed('q', 'failed', 20, 0)", mode)).as(mode)
				.contains("jetway_jobs_error_idx")
				.doesNotContain("Seq Scan");
		}
		JdbcTemplate jdbc = postgres.jdbc();
		Long failed = jdbc.queryForObject("SELECT count(*) FROM jetway_jobs WHERE status = 'failed'", Long.class);
		assertThat(failed).isPositive();
		List<Map<String, Object>> listed = jdbc.queryForList(JobRepository.listStatement(true, JobState.FAILED), "q",
				"failed", 20, 0);
		assertThat(listed).hasSize((int) Math.min(20, failed)).allSatisfy((job) -> {
			assertThat(job).containsEntry("status", "failed");
		});
	}

	@Test
	void otherStatusesAndWholeQueuesWalkTheListingIndexBackwards() {
		for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
			assertThat(postgres.plan("EXECUTE list_status('q', 'completed', 20, 0)", mode)).as(mode)
				.contains("Index Scan Backward using jetway_jobs_queue_idx")
				.doesNotContain("Seq Scan");
			assertThat(postgres.plan("EXECUTE list_queue('q', 20, 0)", mode)).as(mode)
				.contains("Index Scan Backward using jetway_jobs_queue_idx")
				.doesNotContain("Seq Scan");
		}
	}

	@Test
	void retentionWalksTheListingIndexAndDeletesByPrimaryKey() {
		String execute = "EXECUTE retention('q', 'epoch', now() - interval '30 days', now() - interval '30 days', "
				+ "now() - interval '30 days', now() - interval '30 days', '9999-01-01', now() - interval '1 day', 1000)";
		for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
			assertThat(postgres.plan(execute, mode)).as(mode)
				.contains("jetway_jobs_queue_idx")
				.contains("jetway_jobs_pkey")
				.doesNotContain("Seq Scan");
		}
	}

	@Test
	void theTransitionsOfAJobThatSucceedsStayHeapOnlyUpdates() {
		JdbcTemplate jdbc = postgres.jdbc();
		postgres.prepare("claim", List.of("timestamptz", "uuid[]", "int8[]", "timestamptz"),
				JobRepository.POSTGRESQL_CLAIM);
		postgres.prepare("finish",
				List.of("timestamptz", "uuid[]", "int4[]", "text[]", "text[]", "text[]", "text[]", "bool[]"),
				JobRepository.POSTGRESQL_FINISH_ALL);
		jdbc.execute("BEGIN");
		try {
			List<String> ids = jdbc.queryForList("INSERT INTO jetway_jobs (id, type, queue, status, attempts, "
					+ "max_attempts, payload, created_at, run_at, updated_at) SELECT gen_random_uuid(), 't', 'q', "
					+ "'pending', 0, 3, '{}', now(), now(), now() FROM generate_series(1, 2) RETURNING id::text",
					String.class);
			String array = "'{" + String.join(",", ids) + "}'";
			jdbc.queryForList("EXECUTE claim(now(), " + array + ", '{7,8}', now())");
			jdbc.queryForList("EXECUTE finish(now(), " + array + ", '{1,1}', '{completed,completed}', '{NULL,NULL}', "
					+ "'{NULL,NULL}', '{NULL,NULL}', '{t,t}')");
			assertThat(updates()).as("updates, heap-only updates").containsExactly(4L, 4L);
			// an attempt that fails writes the error, which the partial index holds: not
			// heap-only
			jdbc.update("UPDATE jetway_jobs SET status = 'running' WHERE id = ANY(" + array + "::uuid[])");
			jdbc.queryForList("EXECUTE finish(now(), " + array + ", '{1,1}', '{failed,failed}', '{NULL,NULL}', "
					+ "'{boom,boom}', '{NULL,NULL}', '{t,t}')");
			assertThat(updates()).as("updates, heap-only updates").containsExactly(8L, 6L);
		}
		finally {
			jdbc.execute("ROLLBACK");
		}
	}

	/**
	 * @return the updates of {@code jetway_jobs} in this transaction and how many of them
	 * were heap-only
	 */
	private static List<Long> updates() {
		return postgres.jdbc()
			.queryForObject(
					"SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'jetway_jobs'",
					(rows, rowNum) -> List.of(rows.getLong(1), rows.getLong(2)));
	}

}
