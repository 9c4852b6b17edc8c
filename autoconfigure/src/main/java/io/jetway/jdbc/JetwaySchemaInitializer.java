package io.jetway.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.Resource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
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
 */
public class JetwaySchemaInitializer extends DataSourceScriptDatabaseInitializer {

	static final Duration LOCK_WAIT = Duration.ofMinutes(5);

	/** Identifies Jetway's schema lock among other advisory locks ("jetway" in ASCII). */
	private static final long POSTGRESQL_LOCK_KEY = 0x6a6574776179L;

	private static final String MYSQL_LOCK_NAME = "jetway_schema";

	private final DatabaseType databaseType;

	public JetwaySchemaInitializer(DataSource dataSource, DatabaseType databaseType, DatabaseInitializationMode mode) {
		super(dataSource, settings(databaseType, mode));
		this.databaseType = databaseType;
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
					+ "jetway.jdbc.initialize-schema within " + LOCK_WAIT.toMinutes() + " minutes: " + ex.getMessage()
					+ ". Another instance may be stuck creating the schema: end its session, or create the schema "
					+ "by hand (docs/outbox.md, Schema) and set jetway.jdbc.initialize-schema=never.", ex);
		}
	}

	private void runInLockedTransaction(Connection connection, Scripts scripts) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try {
			execute(connection, "SET LOCAL lock_timeout = '" + LOCK_WAIT.toMillis() + "ms'");
			execute(connection, "SELECT pg_advisory_xact_lock(" + POSTGRESQL_LOCK_KEY + ")");
			execute(connection, "SET LOCAL lock_timeout = DEFAULT");
			populator(scripts).populate(connection);
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
		try (Statement statement = connection.createStatement();
				ResultSet locked = statement
					.executeQuery("SELECT GET_LOCK('" + MYSQL_LOCK_NAME + "', " + LOCK_WAIT.toSeconds() + ")")) {
			if (!locked.next() || locked.getInt(1) != 1) {
				throw new SQLException("the lock '" + MYSQL_LOCK_NAME + "' was held by another session");
			}
		}
		try {
			populator(scripts).populate(connection);
		}
		finally {
			execute(connection, "SELECT RELEASE_LOCK('" + MYSQL_LOCK_NAME + "')");
		}
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

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
