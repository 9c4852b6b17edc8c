package io.jetway.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import org.junit.jupiter.api.Test;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.UncategorizedScriptException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A second instance starts while the first one's OJS lease sweep runs: the sweep holds
 * {@code jetway_job_leases} and then reads {@code jetway_jobs}, while the schema script
 * holds {@code jetway_jobs} (its {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS}) and
 * then waits for {@code jetway_job_leases}. PostgreSQL ends the deadlock by aborting the
 * script's transaction; the instance must start all the same. A transaction that holds a
 * table the script needs delays the start, with short table lock waits (the sessions of
 * running instances queue behind the script); one that holds it longer than the schema
 * lock wait makes the start fail, naming the fix, instead of waiting for it forever.
 */
class SchemaInitializerDeadlockTests {

	/** What a rolling upgrade to a version with a new column meets. */
	private static final String A_COLUMN_TO_ADD = "ALTER TABLE jetway_jobs DROP COLUMN ojs_envelope";

	private static final Duration SHORT_TABLE_LOCK_WAIT = Duration.ofMillis(500);

	@Test
	void anInitializerThatLosesADeadlockRunsAgainAndCompletes() throws Exception {
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create()) {
			DataSource dataSource = database.dataSource();
			assertThat(initializer(dataSource).initializeDatabase()).isTrue();
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			jdbc.execute(A_COLUMN_TO_ADD);
			try (Connection sweep = DriverManager.getConnection(database.url(), database.username(),
					database.password())) {
				sweep.setAutoCommit(false);
				// only the script's session detects the deadlock, so the script is its
				// loser
				execute(sweep, "SET LOCAL deadlock_timeout = '1min'");
				execute(sweep, "LOCK TABLE jetway_job_leases IN ROW EXCLUSIVE MODE");
				CompletableFuture<Boolean> secondInstance = CompletableFuture
					.supplyAsync(() -> initializer(dataSource).initializeDatabase());
				await().atMost(Duration.ofSeconds(20))
					.until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM pg_locks WHERE NOT granted"
							+ " AND relation = 'jetway_job_leases'::regclass", Integer.class) > 0);
				try (Statement statement = sweep.createStatement();
						ResultSet jobs = statement.executeQuery("SELECT COUNT(*) FROM jetway_jobs")) {
					assertThat(jobs.next()).isTrue();
				}
				sweep.rollback();
				assertThat(secondInstance.get(60, TimeUnit.SECONDS)).isTrue();
			}
			assertThat(jdbc.queryForObject("SELECT COUNT(ojs_envelope) FROM jetway_jobs", Integer.class)).isZero();
		}
	}

	@Test
	void aTransactionThatHoldsATableLongerThanTheLockWaitFailsTheInitializerInsteadOfBlockingItForever()
			throws Exception {
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create()) {
			DataSource dataSource = database.dataSource();
			assertThat(initializer(dataSource).initializeDatabase()).isTrue();
			new JdbcTemplate(dataSource).execute(A_COLUMN_TO_ADD);
			try (Connection enqueue = DriverManager.getConnection(database.url(), database.username(),
					database.password())) {
				enqueue.setAutoCommit(false);
				// what a business transaction that enqueued a job holds until it commits
				execute(enqueue, "LOCK TABLE jetway_jobs IN ROW EXCLUSIVE MODE");
				CompletableFuture<Boolean> start = CompletableFuture
					.supplyAsync(() -> initializer(dataSource, Duration.ofSeconds(3), SHORT_TABLE_LOCK_WAIT)
						.initializeDatabase());
				assertThatThrownBy(() -> start.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
					.cause()
					.isInstanceOf(UncategorizedScriptException.class)
					.hasMessageContaining("lost lock conflicts with other sessions for 3000 ms")
					.hasMessageContaining("lock timeout")
					.hasMessageContaining("jetway.jdbc.initialize-schema=never");
				enqueue.rollback();
			}
		}
	}

	/**
	 * A backup, an anti-wraparound vacuum or a long business transaction that holds
	 * {@code jetway_jobs} for longer than a few table lock waits delays the start of the
	 * upgrade's first instance; it must not fail it.
	 */
	@Test
	void aTransactionThatEndsWithinTheLockWaitOnlyDelaysTheInitializer() throws Exception {
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create()) {
			DataSource dataSource = database.dataSource();
			assertThat(initializer(dataSource).initializeDatabase()).isTrue();
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			jdbc.execute(A_COLUMN_TO_ADD);
			try (Connection backup = DriverManager.getConnection(database.url(), database.username(),
					database.password())) {
				backup.setAutoCommit(false);
				execute(backup, "LOCK TABLE jetway_jobs IN ACCESS SHARE MODE");
				CompletableFuture<Boolean> start = CompletableFuture
					.supplyAsync(() -> initializer(dataSource, Duration.ofMinutes(1), SHORT_TABLE_LOCK_WAIT)
						.initializeDatabase());
				// longer than 5 runs of 500 ms table lock waits and their pauses (at most
				// 2 s)
				await().during(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(12)).until(() -> !start.isDone());
				backup.rollback();
				assertThat(start.get(30, TimeUnit.SECONDS)).isTrue();
			}
			assertThat(jdbc.queryForObject("SELECT COUNT(ojs_envelope) FROM jetway_jobs", Integer.class)).isZero();
		}
	}

	@Test
	void anInitializerOnACurrentSchemaLocksNoTable() throws Exception {
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create()) {
			DataSource dataSource = database.dataSource();
			assertThat(initializer(dataSource).initializeDatabase()).isTrue();
			try (Connection running = DriverManager.getConnection(database.url(), database.username(),
					database.password())) {
				running.setAutoCommit(false);
				execute(running, "LOCK TABLE jetway_jobs IN ROW EXCLUSIVE MODE");
				execute(running, "LOCK TABLE jetway_job_leases IN ROW EXCLUSIVE MODE");
				execute(running, "LOCK TABLE jetway_inbox IN ROW EXCLUSIVE MODE");
				CompletableFuture<Boolean> start = CompletableFuture
					.supplyAsync(() -> initializer(dataSource).initializeDatabase());
				// shorter than one table lock wait: the script did not wait for a lock
				assertThat(start.get(JetwaySchemaInitializer.TABLE_LOCK_WAIT.toMillis() / 2, TimeUnit.MILLISECONDS))
					.isTrue();
				running.rollback();
			}
		}
	}

	private static JetwaySchemaInitializer initializer(DataSource dataSource) {
		return new JetwaySchemaInitializer(dataSource, DatabaseType.POSTGRESQL, DatabaseInitializationMode.ALWAYS);
	}

	private static JetwaySchemaInitializer initializer(DataSource dataSource, Duration lockWait,
			Duration tableLockWait) {
		return new JetwaySchemaInitializer(dataSource, DatabaseType.POSTGRESQL, DatabaseInitializationMode.ALWAYS,
				lockWait, tableLockWait);
	}

	private static void execute(Connection connection, String sql) throws Exception {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
