package io.jetway.jdbc;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.jetway.support.TransientSqlFailures;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.EncodedResource;
import org.springframework.jdbc.datasource.init.CannotReadScriptException;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.datasource.init.ScriptStatementFailedException;
import org.springframework.jdbc.datasource.init.UncategorizedScriptException;

/**
 * Creates Jetway's tables from the DDL for the database in use. Spring Boot orders it
 * before anything that depends on database initialization (JPA, for example).
 * <p>
 * Instances that start together against one database take turns, because concurrent
 * {@code CREATE TABLE IF NOT EXISTS} statements can fail on PostgreSQL's catalog. On
 * PostgreSQL the scripts run in one transaction that first takes a transaction-level
 * advisory lock (released by the commit, so it cannot leak, even behind a pooler in
 * transaction mode); on MySQL and MariaDB, whose DDL commits on its own, under a named
 * lock of the connection that runs them. Either wait is bounded by {@link #LOCK_WAIT}.
 * <p>
 * A running instance's transactions can lock Jetway's tables in another order than the
 * script (the OJS lease sweep holds {@code jetway_job_leases} and reads
 * {@code jetway_jobs}, which the script's {@code ALTER TABLE} holds): the database then
 * aborts one of them as a deadlock's loser. The script waits at most
 * {@link #TABLE_LOCK_WAIT} for a table lock, and a run that loses a deadlock or times out
 * runs again after a short random pause, until {@link #LOCK_WAIT} has passed since the
 * first run (a backup or a long transaction that holds a table delays the start, as a
 * wait for the lock itself would, instead of failing it). On PostgreSQL the script runs
 * only when it would change something ({@link PostgresSchemaCheck}), so that the start of
 * an instance on a current schema locks no table.
 */
public class JetwaySchemaInitializer extends DataSourceScriptDatabaseInitializer {

	static final Duration LOCK_WAIT = Duration.ofMinutes(5);

	/**
	 * How long a statement of the script waits for a table lock. Short, because the
	 * sessions of running instances queue behind a waiting {@code ALTER TABLE}; a script
	 * that times out runs again, like one that loses a deadlock.
	 */
	static final Duration TABLE_LOCK_WAIT = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(JetwaySchemaInitializer.class);

	/** Identifies Jetway's schema lock among other advisory locks ("jetway" in ASCII). */
	private static final long POSTGRESQL_LOCK_KEY = 0x6a6574776179L;

	private static final String MYSQL_LOCK_NAME = "jetway_schema";

	private final DatabaseType databaseType;

	private final Duration lockWait;

	private final Duration tableLockWait;

	public JetwaySchemaInitializer(DataSource dataSource, DatabaseType databaseType, DatabaseInitializationMode mode) {
		this(dataSource, databaseType, mode, LOCK_WAIT, TABLE_LOCK_WAIT);
	}

	/**
	 * @param lockWait how long a start waits for the schema lock, and how long it runs
	 * the script again after deadlocks and table lock timeouts
	 * @param tableLockWait how long a statement of the script waits for a table lock
	 */
	JetwaySchemaInitializer(DataSource dataSource, DatabaseType databaseType, DatabaseInitializationMode mode,
			Duration lockWait, Duration tableLockWait) {
		super(dataSource, settings(databaseType, mode));
		this.databaseType = databaseType;
		this.lockWait = lockWait;
		this.tableLockWait = tableLockWait;
	}

	private static DatabaseInitializationSettings settings(DatabaseType databaseType, DatabaseInitializationMode mode) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of(databaseType.schemaLocation()));
		settings.setMode(mode);
		settings.setContinueOnError(false);
		return settings;
	}

	@Override
	protected void runScripts(Scripts scripts) {
		if (this.databaseType == DatabaseType.H2) {
			super.runScripts(scripts);
			return;
		}
		long deadline = System.nanoTime() + this.lockWait.toNanos();
		for (int attempt = 1;; attempt++) {
			try {
				runScriptsOnce(scripts);
				return;
			}
			catch (ScriptStatementFailedException ex) {
				if (!TransientSqlFailures.isTransient(ex)) {
					throw ex;
				}
				long pause = ThreadLocalRandom.current().nextLong(100, 500L * Math.min(attempt, 4) + 1);
				if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) - deadline >= 0) {
					throw new UncategorizedScriptException("Jetway's schema script (jetway.jdbc.initialize-schema) "
							+ "lost lock conflicts with other sessions for " + describe(this.lockWait) + " (" + attempt
							+ " runs, deadlock or lock timeout): " + describe(ex)
							+ ". Start the instance again once the transaction that holds the table has ended, or run "
							+ this.databaseType.schemaLocation() + " by hand (docs/operations.md, "
							+ "Schema changes at startup) and set jetway.jdbc.initialize-schema=never.", ex);
				}
				pauseBeforeAttempt(attempt, pause, ex);
			}
		}
	}

	private static String describe(Duration duration) {
		return (duration.toSeconds() >= 60 && duration.toSecondsPart() == 0) ? duration.toMinutes() + " minutes"
				: duration.toMillis() + " ms";
	}

	private void runScriptsOnce(Scripts scripts) {
		try (Connection connection = getDataSource().getConnection()) {
			if (this.databaseType == DatabaseType.POSTGRESQL) {
				runInLockedTransaction(connection, scripts);
			}
			else {
				runUnderNamedLock(connection, scripts);
			}
		}
		catch (SQLException ex) {
			throw new UncategorizedScriptException("Could not take Jetway's schema lock for "
					+ "jetway.jdbc.initialize-schema within " + describe(this.lockWait) + ": " + ex.getMessage()
					+ ". Another instance may be stuck creating the schema: end its session, or create the schema "
					+ "by hand (docs/outbox.md, Schema) and set jetway.jdbc.initialize-schema=never.", ex);
		}
	}

	private void pauseBeforeAttempt(int failedAttempt, long pause, ScriptStatementFailedException failure) {
		logger.warn("Jetway's schema script lost a lock conflict with another session (run " + failedAttempt
				+ ", retrying for up to " + describe(this.lockWait) + " in all), running it again in " + pause + " ms: "
				+ describe(failure));
		try {
			Thread.sleep(pause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UncategorizedScriptException("Interrupted before running Jetway's schema script again", ex);
		}
	}

	private static String text(Scripts scripts) {
		Charset encoding = scripts.getEncoding();
		StringBuilder text = new StringBuilder();
		for (Resource resource : scripts) {
			try {
				text.append(resource.getContentAsString((encoding != null) ? encoding : StandardCharsets.UTF_8))
					.append('\n');
			}
			catch (IOException ex) {
				throw new CannotReadScriptException(new EncodedResource(resource), ex);
			}
		}
		return text.toString();
	}

	private static String describe(ScriptStatementFailedException failure) {
		return failure.getMessage() + " (" + failure.getMostSpecificCause().getMessage() + ")";
	}

	private void runInLockedTransaction(Connection connection, Scripts scripts) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try {
			execute(connection, "SET LOCAL lock_timeout = '" + this.lockWait.toMillis() + "ms'");
			execute(connection, "SELECT pg_advisory_xact_lock(" + POSTGRESQL_LOCK_KEY + ")");
			execute(connection, "SET LOCAL lock_timeout = '" + this.tableLockWait.toMillis() + "ms'");
			if (PostgresSchemaCheck.wouldChange(connection, text(scripts))) {
				populator(scripts).populate(connection);
			}
			connection.commit();
		}
		catch (SQLException | RuntimeException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setAutoCommit(autoCommit);
		}
	}

	private void runUnderNamedLock(Connection connection, Scripts scripts) throws SQLException {
		// resources, so that the lock is released whatever fails, and a failure of the
		// release or the restore does not hide the script's (which decides on a retry)
		try (SqlCleanup releaseLock = lockNamed(connection)) {
			long lockWait = queryForLong(connection, "SELECT @@SESSION.lock_wait_timeout");
			try (SqlCleanup restoreLockWait = () -> execute(connection,
					"SET SESSION lock_wait_timeout = " + lockWait)) {
				execute(connection, "SET SESSION lock_wait_timeout = " + Math.max(1, this.tableLockWait.toSeconds()));
				populator(scripts).populate(connection);
			}
		}
	}

	private SqlCleanup lockNamed(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet locked = statement
					.executeQuery("SELECT GET_LOCK('" + MYSQL_LOCK_NAME + "', " + this.lockWait.toSeconds() + ")")) {
			if (!locked.next() || locked.getInt(1) != 1) {
				throw new SQLException("the lock '" + MYSQL_LOCK_NAME + "' was held by another session");
			}
		}
		return () -> execute(connection, "SELECT RELEASE_LOCK('" + MYSQL_LOCK_NAME + "')");
	}

	/** Undoes a step on a connection when a try-with-resources block ends. */
	@FunctionalInterface
	private interface SqlCleanup extends AutoCloseable {

		@Override
		void close() throws SQLException;

	}

	/** The populator Spring Boot's own {@code runScripts} would build. */
	private ResourceDatabasePopulator populator(Scripts scripts) {
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator();
		populator.setContinueOnError(scripts.isContinueOnError());
		populator.setSeparator(scripts.getSeparator());
		if (scripts.getEncoding() != null) {
			populator.setSqlScriptEncoding(scripts.getEncoding().name());
		}
		for (Resource resource : scripts) {
			populator.addScript(resource);
		}
		customize(populator);
		return populator;
	}

	private static long queryForLong(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
