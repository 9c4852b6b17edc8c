package io.jetway.actuate;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import io.jetway.jdbc.DatabaseType;
import io.jetway.jdbc.JetwaySchemaInitializer;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health check's outbox reads on every database: the pending count stops at its cap,
 * and the oldest pending row is the first in the relay's order.
 */
class TableReadsTests {

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void countsPendingRowsUpToTheCapAndFindsTheFirstDue(TestDatabase type) throws Exception {
		try (TestDatabaseInstance database = type.create()) {
			DatabaseType databaseType = DatabaseType.of(database.dataSource());
			new JetwaySchemaInitializer(database.dataSource(), databaseType, DatabaseInitializationMode.ALWAYS)
				.initializeDatabase();
			JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
			Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
			// created first, due last (a retry put back with a later available_at)
			insert(jdbc, databaseType, "pending", now.minusSeconds(600), now.plusSeconds(60));
			insert(jdbc, databaseType, "pending", now.minusSeconds(300), now.minusSeconds(300));
			insert(jdbc, databaseType, "pending", now.minusSeconds(200), now.minusSeconds(200));
			insert(jdbc, databaseType, "sent", now.minusSeconds(900), now.minusSeconds(900));
			TableReads reads = new TableReads(database.dataSource(), databaseType, Duration.ofSeconds(2));
			TableReads.Pending capped = reads.outboxPending(2);
			assertThat(capped.count()).isEqualTo(2);
			assertThat(capped.capped()).isTrue();
			assertThat(capped.oldestCreatedAt()).isEqualTo(now.minusSeconds(300));
			TableReads.Pending all = reads.outboxPending(10);
			assertThat(all.count()).isEqualTo(3);
			assertThat(all.capped()).isFalse();
		}
	}

	private static void insert(JdbcTemplate jdbc, DatabaseType type, String status, Instant createdAt,
			Instant availableAt) {
		jdbc.update("INSERT INTO jetway_outbox (id, subject, payload, headers, status, attempts, created_at, "
				+ "available_at) VALUES (?, 'orders.created', ?, '{}', ?, 0, ?, ?)", (statement) -> {
					type.setUuid(statement, 1, UUID.randomUUID());
					statement.setBytes(2, "{}".getBytes());
					statement.setString(3, status);
					type.setInstant(statement, 4, createdAt);
					type.setInstant(statement, 5, availableAt);
				});
	}

}
