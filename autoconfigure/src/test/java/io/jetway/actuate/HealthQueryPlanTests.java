package io.jetway.actuate;

import java.util.List;

import io.jetway.jdbc.UnanalyzedPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health check's outbox queries on PostgreSQL on a large backlog (100,000 rows,
 * 20,000 pending) in a table that was empty when the statements were prepared and was
 * never analysed: the capped count and the first pending row read the partial pending
 * index, and stop after the cap or the first row (the count with generic and custom plans
 * alike).
 */
class HealthQueryPlanTests {

	@Test
	void outboxQueriesReadThePendingIndexUpToTheirLimit() throws Exception {
		try (UnanalyzedPostgres postgres = UnanalyzedPostgres.withJetwaySchema("jetway_outbox")) {
			postgres.prepare("pending_count", List.of("int8"), TableReads.OUTBOX_PENDING_COUNT);
			postgres.jdbc()
				.update("INSERT INTO jetway_outbox (id, subject, payload, headers, status, attempts, created_at, "
						+ "available_at, sent_at) SELECT gen_random_uuid(), 'orders.created', '\\x7b7d'::bytea, '{}', "
						+ "CASE WHEN g % 5 = 0 THEN 'pending' ELSE 'sent' END, 0, now(), now() - interval '1 minute', "
						+ "CASE WHEN g % 5 = 0 THEN NULL ELSE now() END FROM generate_series(1, 100000) g");
			assertThat(postgres.neverAnalyzed("jetway_outbox")).isTrue();
			assertThat(postgres.jdbc().queryForObject("EXECUTE pending_count(10001)", Long.class)).isEqualTo(10_001L);
			for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
				assertThat(postgres.plan("EXECUTE pending_count(10001)", mode)).as(mode)
					.contains("Limit")
					.contains("jetway_outbox_pending_idx")
					.doesNotContain("Seq Scan");
				assertThat(postgres.plan(TableReads.OUTBOX_FIRST_PENDING, mode)).as(mode)
					.contains("Limit")
					.contains("jetway_outbox_pending_idx")
					.doesNotContain("Seq Scan")
					.doesNotContain("Sort");
			}
		}
	}

}
