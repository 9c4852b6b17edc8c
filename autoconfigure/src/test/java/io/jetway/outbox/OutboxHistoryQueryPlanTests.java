package io.jetway.outbox;

import java.util.List;

import io.jetway.jdbc.UnanalyzedPostgres;
import io.jetway.test.jdbc.HistoryRows;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox retention's delete on PostgreSQL, on a table of
 * {@link UnanalyzedPostgres#historyRows()} sent rows over 7.25 days, analysed, with
 * custom and generic plans: it finds the rows past the retention by the partial index
 * {@code jetway_outbox_sent_idx} and deletes them by primary key.
 */
class OutboxHistoryQueryPlanTests {

	@Test
	void retentionFindsSentRowsByTheirIndexAndDeletesThemByPrimaryKey() throws Exception {
		try (UnanalyzedPostgres postgres = UnanalyzedPostgres.withJetwaySchema()) {
			postgres.fill("jetway_outbox", HistoryRows.outbox(UnanalyzedPostgres.historyRows(), 116));
			postgres.prepare("delete_sent", List.of("timestamptz", "int"), OutboxRepository.POSTGRESQL_DELETE_SENT);
			for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
				assertThat(postgres.plan("EXECUTE delete_sent(now() - interval '7 days', 1000)", mode)).as(mode)
					.contains("jetway_outbox_sent_idx")
					.contains("jetway_outbox_pkey")
					.doesNotContain("Seq Scan");
			}
		}
	}

}
