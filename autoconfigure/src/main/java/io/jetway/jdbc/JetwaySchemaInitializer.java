package io.jetway.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.jdbc.datasource.init.UncategorizedScriptException;

/**
 * Creates Jetway's tables from the DDL for the database in use. Spring Boot orders it
 * before anything that depends on database initialization (JPA, for example).
 * <p>
 * Instances that start together against one database take turns: the scripts run while
 * this instance holds a database lock (an advisory lock on PostgreSQL, a named lock on
 * MySQL and MariaDB), because concurrent {@code CREATE TABLE IF NOT EXISTS} statements
 * can fail on PostgreSQL's catalog.
 */
public class JetwaySchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/** Identifies Jetway's schema lock among other advisory locks ("jetway" in ASCII). */
	private static final long POSTGRESQL_LOCK_KEY = 0x6a6574776179L;

	private static final String MYSQL_LOCK_NAME = "jetway_schema";

	private static final int MYSQL_LOCK_TIMEOUT_SECONDS = 300;

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
		String lock = lockStatement();
		if (lock == null) {
			super.runScripts(scripts);
			return;
		}
		// the lock belongs to this connection's session; the scripts run on another one
		try (Connection connection = getDataSource().getConnection()) {
			acquire(connection, lock);
			try {
				super.runScripts(scripts);
			}
			finally {
				execute(connection, unlockStatement());
			}
		}
		catch (SQLException ex) {
			throw new UncategorizedScriptException("Could not take or release Jetway's schema lock (" + lock
					+ ") for jetway.jdbc.initialize-schema: " + ex.getMessage()
					+ ". Check that the database user may take locks, or create the schema by hand and set "
					+ "jetway.jdbc.initialize-schema=never.", ex);
		}
	}

	private void acquire(Connection connection, String lock) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(lock)) {
			if (this.databaseType == DatabaseType.MYSQL && (!result.next() || result.getInt(1) != 1)) {
				throw new SQLException("another instance held the lock '" + MYSQL_LOCK_NAME + "' for more than "
						+ MYSQL_LOCK_TIMEOUT_SECONDS + " s");
			}
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private @Nullable String lockStatement() {
		return switch (this.databaseType) {
			case POSTGRESQL -> "SELECT pg_advisory_lock(" + POSTGRESQL_LOCK_KEY + ")";
			case MYSQL -> "SELECT GET_LOCK('" + MYSQL_LOCK_NAME + "', " + MYSQL_LOCK_TIMEOUT_SECONDS + ")";
			case H2 -> null;
		};
	}

	private String unlockStatement() {
		return (this.databaseType == DatabaseType.POSTGRESQL) ? "SELECT pg_advisory_unlock(" + POSTGRESQL_LOCK_KEY + ")"
				: "SELECT RELEASE_LOCK('" + MYSQL_LOCK_NAME + "')";
	}

}
