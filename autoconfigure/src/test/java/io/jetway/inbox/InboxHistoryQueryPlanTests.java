package io.jetway.inbox;

import java.util.List;

import io.jetway.jdbc.UnanalyzedPostgres;
import io.jetway.test.jdbc.HistoryRows;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbox retention's delete on PostgreSQL, on a table of
 * {@link UnanalyzedPostgres#historyRows()} processed rows over 7.25 days, analysed, with
 * custom and generic plans: it finds the rows past the retention by the partial index
 * {@code jetway_inbox_processed_idx} and deletes them by their row address.
 */
class InboxHistoryQueryPlanTests {

	@Test
	void retentionFindsProcessedRowsByTheirIndexAndDeletesThemByAddress() throws Exception {
		try (UnanalyzedPostgres postgres = UnanalyzedPostgres.withJetwaySchema()) {
			postgres.fill("jetway_inbox", HistoryRows.inbox("c", UnanalyzedPostgres.historyRows()));
			postgres.prepare("delete_processed", List.of("timestamptz", "int"),
					InboxRepository.POSTGRESQL_DELETE_PROCESSED);
			for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
				assertThat(postgres.plan("EXECUTE delete_processed(now() - interval '7 days', 1000)", mode)).as(mode)
					.contains("jetway_inbox_processed_idx")
					.contains("Tid Scan")
					.doesNotContain("Seq Scan");
			}
		}
	}

}
