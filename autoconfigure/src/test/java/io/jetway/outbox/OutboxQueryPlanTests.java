package io.jetway.outbox;

import java.util.List;

import io.jetway.jdbc.DatabaseType;
import io.jetway.jdbc.KeyedBatchStatements;
import io.jetway.jdbc.UnanalyzedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's two PostgreSQL queries on a large backlog (100,000 rows, 20,000 pending) in
 * a table that was empty when the statements were prepared and was never analysed (as
 * right after startup and a burst): the lock of committed rows and the marking of sent
 * rows (with the settings of its transaction) probe the primary key, the recovery claim
 * reads the partial pending index in order; with generic and custom plans alike.
 */
class OutboxQueryPlanTests {

	@Test
	void relayQueriesUseTheirIndexesOnALargeUnanalysedBacklog() throws Exception {
		try (UnanalyzedPostgres postgres = UnanalyzedPostgres.withJetwaySchema("jetway_outbox")) {
			JdbcTemplate jdbc = postgres.jdbc();
			postgres.prepare("lock_pending", List.of("uuid[]"), OutboxRepository.POSTGRESQL_LOCK_PENDING);
			postgres.prepare("claim_due", List.of("timestamptz", "int"),
					OutboxRepository.claimDueStatement(DatabaseType.POSTGRESQL));
			postgres.prepare("mark_sent", List.of("timestamptz", "uuid[]", "text[]", "int8[]"),
					OutboxRepository.POSTGRESQL_MARK_SENT);
			jdbc.update("INSERT INTO jetway_outbox (id, subject, payload, headers, status, attempts, created_at, "
					+ "available_at, sent_at) SELECT gen_random_uuid(), 'orders.created', '\\x7b7d'::bytea, '{}', "
					+ "CASE WHEN g % 5 = 0 THEN 'pending' ELSE 'sent' END, 0, now(), now() - interval '1 minute', "
					+ "CASE WHEN g % 5 = 0 THEN NULL ELSE now() END FROM generate_series(1, 100000) g");
			List<String> ids = jdbc
				.queryForList("SELECT id::text FROM jetway_outbox WHERE status = 'pending' LIMIT 100", String.class);
			String lock = "EXECUTE lock_pending('{" + String.join(",", ids) + "}')";
			String claim = "EXECUTE claim_due(now(), 100)";
			String markSent = "EXECUTE mark_sent(now(), '{" + String.join(",", ids.subList(0, 2))
					+ "}', '{ORDERS,ORDERS}', '{1,2}')";
			assertThat(postgres.neverAnalyzed("jetway_outbox")).isTrue();
			for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
				assertThat(postgres.plan(lock, mode)).as(mode)
					.contains("jetway_outbox_pkey")
					.doesNotContain("Seq Scan");
				assertThat(postgres.plan(claim, mode)).as(mode)
					.contains("jetway_outbox_pending_idx")
					.doesNotContain("Seq Scan");
				assertThat(postgres.plan(markSent, mode, KeyedBatchStatements.settings(true))).as(mode)
					.contains("jetway_outbox_pkey")
					.doesNotContain("Seq Scan");
			}
		}
	}

}
