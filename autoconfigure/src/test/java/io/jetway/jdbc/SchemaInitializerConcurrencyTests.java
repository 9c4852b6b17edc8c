package io.jetway.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several instances of an application start at once against one empty database: each runs
 * {@code initialize-schema}, and none may fail (PostgreSQL's concurrent
 * {@code CREATE TABLE IF NOT EXISTS} raises a unique violation on its catalog otherwise).
 */
class SchemaInitializerConcurrencyTests {

	private static final int INSTANCES = 4;

	private static final int ROUNDS = 3;

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void aPoolOfOneConnectionIsEnough(TestDatabase type) {
		try (TestDatabaseInstance database = type.create()) {
			HikariConfig config = new HikariConfig();
			config.setJdbcUrl(database.url());
			config.setUsername(database.username());
			config.setPassword(database.password());
			config.setMaximumPoolSize(1);
			config.setConnectionTimeout(5000);
			try (HikariDataSource dataSource = new HikariDataSource(config)) {
				assertThat(new JetwaySchemaInitializer(dataSource, DatabaseType.of(dataSource),
						DatabaseInitializationMode.ALWAYS)
					.initializeDatabase()).isTrue();
				assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM jetway_outbox",
						Integer.class))
					.isZero();
			}
		}
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void instancesStartingTogetherAllInitializeTheSchema(TestDatabase type) throws Exception {
		ExecutorService starts = Executors.newFixedThreadPool(INSTANCES);
		try {
			for (int round = 0; round < ROUNDS; round++) {
				try (TestDatabaseInstance database = type.create()) {
					DataSource dataSource = database.dataSource();
					DatabaseType databaseType = DatabaseType.of(dataSource);
					CyclicBarrier together = new CyclicBarrier(INSTANCES);
					List<Future<Boolean>> results = new ArrayList<>();
					for (int i = 0; i < INSTANCES; i++) {
						results.add(starts.submit(() -> {
							together.await(10, TimeUnit.SECONDS);
							return new JetwaySchemaInitializer(dataSource, databaseType,
									DatabaseInitializationMode.ALWAYS)
								.initializeDatabase();
						}));
					}
					for (Future<Boolean> result : results) {
						assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
					}
					assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM jetway_jobs",
							Integer.class))
						.isZero();
				}
			}
		}
		finally {
			starts.shutdownNow();
		}
	}

}
