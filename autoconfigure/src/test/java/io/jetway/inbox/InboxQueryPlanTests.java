package io.jetway.inbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.jetway.jdbc.DatabaseType;
import io.jetway.jdbc.UnanalyzedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-batch inbox lookup on PostgreSQL probes the primary key on a table that was
 * just filled and never analyzed (where an {@code IN} list is planned as a sequential
 * scan of the whole table), with custom and generic plans alike.
 */
class InboxQueryPlanTests {

	private static final int ROWS = 50_000;

	private static UnanalyzedPostgres postgres;

	@BeforeAll
	static void fillInbox() throws Exception {
		postgres = UnanalyzedPostgres.withJetwaySchema("jetway_inbox");
		postgres.prepare("statuses", List.of("varchar[]", "varchar"), InboxRepository.POSTGRESQL_STATUSES);
		postgres.prepare("delete_failed", List.of("timestamptz", "int"), InboxRepository.POSTGRESQL_DELETE_FAILED);
		postgres.jdbc()
			.update("INSERT INTO jetway_inbox (consumer, message_id, subject, status, deliveries, received_at) "
					+ "SELECT 'c', 'm-' || g, 's', 'processed', 1, now() FROM generate_series(1, " + ROWS + ") g");
	}

	@AfterAll
	static void dropDatabase() {
		postgres.close();
	}

	@Test
	void findsTheStatusesOfTheIdsThatHaveRows() {
		JdbcTemplate jdbc = postgres.jdbc();
		InboxRepository repository = new InboxRepository(jdbc, DatabaseType.POSTGRESQL);
		jdbc.update("UPDATE jetway_inbox SET status = 'failed' WHERE message_id = ?", "m-" + ROWS);
		Map<String, String> statuses = repository.statusesOf("c", ids(ROWS - 1, ROWS + 2));
		assertThat(statuses).containsOnly(Map.entry("m-" + (ROWS - 1), "processed"), Map.entry("m-" + ROWS, "failed"));
		assertThat(repository.statusesOf("another-consumer", ids(1, 3))).isEmpty();
	}

	@Test
	void probesThePrimaryKeyWithoutStatistics() {
		assertThat(postgres.neverAnalyzed("jetway_inbox")).isTrue();
		String execute = "EXECUTE statuses('{" + String.join(",", ids(ROWS - 50, ROWS + 49)) + "}', 'c')";
		for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
			assertThat(postgres.plan(execute, mode)).as(mode)
				.contains("Index Scan using jetway_inbox_pkey")
				.doesNotContain("Seq Scan on jetway_inbox");
		}
	}

	@Test
	void retentionFindsFailedRowsByTheirIndexWithoutStatistics() {
		assertThat(postgres.neverAnalyzed("jetway_inbox")).isTrue();
		for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
			assertThat(postgres.plan("EXECUTE delete_failed(now(), 1000)", mode)).as(mode)
				.contains("jetway_inbox_failed_idx")
				.doesNotContain("Seq Scan on jetway_inbox");
		}
	}

	private static List<String> ids(int from, int to) {
		List<String> ids = new ArrayList<>();
		for (int i = from; i <= to; i++) {
			ids.add("m-" + i);
		}
		return ids;
	}

}
