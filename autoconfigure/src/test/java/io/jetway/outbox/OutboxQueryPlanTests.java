package io.jetway.outbox;

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
 * The relay's two PostgreSQL queries on a large backlog (100,000 rows, 20,000 pending) in
 * a table that was empty when the statements were prepared and was never analysed (as
 * right after startup and a burst): the lock of committed rows probes the primary key,
 * the recovery claim reads the partial pending index in order; with generic and custom
 * plans alike.
 */
class OutboxQueryPlanTests {

	@Test
	void relayQueriesUseTheirIndexesOnALargeUnanalysedBacklog() throws Exception {
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create();
				SingleConnectionDataSource single = new SingleConnectionDataSource(
						database.dataSource().getConnection(), true)) {
			new ResourceDatabasePopulator(new ClassPathResource("io/jetway/jdbc/schema-postgresql.sql"))
				.execute(single);
			JdbcTemplate jdbc = new JdbcTemplate(single);
			jdbc.execute("ALTER TABLE jetway_outbox SET (autovacuum_enabled = false)");
			jdbc.execute(
					"PREPARE lock_pending(uuid[]) AS " + OutboxRepository.POSTGRESQL_LOCK_PENDING.replace("?", "$1"));
			jdbc.execute("PREPARE claim_due(timestamptz, int) AS "
					+ OutboxRepository.claimDueStatement(DatabaseType.POSTGRESQL)
						.replaceFirst("\\?", "\\$1")
						.replaceFirst("\\?", "\\$2"));
			jdbc.update("INSERT INTO jetway_outbox (id, subject, payload, headers, status, attempts, created_at, "
					+ "available_at, sent_at) SELECT gen_random_uuid(), 'orders.created', '\\x7b7d'::bytea, '{}', "
					+ "CASE WHEN g % 5 = 0 THEN 'pending' ELSE 'sent' END, 0, now(), now() - interval '1 minute', "
					+ "CASE WHEN g % 5 = 0 THEN NULL ELSE now() END FROM generate_series(1, 100000) g");
			List<String> ids = jdbc
				.queryForList("SELECT id::text FROM jetway_outbox WHERE status = 'pending' LIMIT 100", String.class);
			String lock = "EXPLAIN EXECUTE lock_pending('{" + String.join(",", ids) + "}')";
			String claim = "EXPLAIN EXECUTE claim_due(now(), 100)";
			for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
				jdbc.execute("BEGIN");
				jdbc.execute("SET LOCAL plan_cache_mode = " + mode);
				assertThat(plan(jdbc, lock)).as(mode).contains("jetway_outbox_pkey").doesNotContain("Seq Scan");
				assertThat(plan(jdbc, claim)).as(mode).contains("jetway_outbox_pending_idx").doesNotContain("Seq Scan");
				jdbc.execute("ROLLBACK");
			}
			jdbc.execute("DEALLOCATE ALL");
		}
	}

	private static String plan(JdbcTemplate jdbc, String explain) {
		return String.join("\n", jdbc.queryForList(explain, String.class));
	}

}
