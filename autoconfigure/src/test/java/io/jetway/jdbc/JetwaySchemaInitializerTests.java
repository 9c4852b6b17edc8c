package io.jetway.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import org.junit.jupiter.api.Test;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the fault-tolerance suite (docs/reliability.md): two instances starting at
 * once on an empty PostgreSQL database, one failed with "duplicate key value violates
 * unique constraint pg_type_typname_nsp_index".
 */
class JetwaySchemaInitializerTests {

	private static final int INSTANCES = 4;

	private static final int ROUNDS = 3;

	@Test
	void instancesStartingTogetherOnAnEmptyPostgresDatabaseAllCreateTheSchema() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(INSTANCES);
		try {
			for (int round = 0; round < ROUNDS; round++) {
				try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create()) {
					CyclicBarrier start = new CyclicBarrier(INSTANCES);
					List<CompletableFuture<Boolean>> instances = new ArrayList<>();
					for (int instance = 0; instance < INSTANCES; instance++) {
						instances.add(CompletableFuture.supplyAsync(() -> {
							JetwaySchemaInitializer initializer = new JetwaySchemaInitializer(database.dataSource(),
									DatabaseType.POSTGRESQL, DatabaseInitializationMode.ALWAYS);
							await(start);
							return initializer.initializeDatabase();
						}, executor));
					}
					CompletableFuture.allOf(instances.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
					assertThat(new JdbcTemplate(database.dataSource())
						.queryForObject("SELECT count(*) FROM jetway_jobs", Integer.class)).isZero();
				}
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
