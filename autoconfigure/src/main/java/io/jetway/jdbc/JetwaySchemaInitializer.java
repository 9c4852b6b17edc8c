package io.jetway.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.Resource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Creates Jetway's tables from the DDL for the database in use. Spring Boot orders it
 * before anything that depends on database initialization (JPA, for example).
 * <p>
 * On PostgreSQL, instances that start together take turns through an advisory lock:
 * concurrent {@code CREATE TABLE IF NOT EXISTS} of one table collide in PostgreSQL's
 * catalog ({@code duplicate key value violates unique constraint
 * "pg_type_typname_nsp_index"}) and one instance would fail to start.
 */
public class JetwaySchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/** The advisory lock key of the schema creation ("jetway" in ASCII). */
	static final long SCHEMA_LOCK = 0x6a65747761790000L;

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
		if (this.databaseType != DatabaseType.POSTGRESQL) {
			super.runScripts(scripts);
			return;
		}
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator();
		populator.setContinueOnError(scripts.isContinueOnError());
		populator.setSeparator(scripts.getSeparator());
		if (scripts.getEncoding() != null) {
			populator.setSqlScriptEncoding(scripts.getEncoding().name());
		}
		for (Resource script : scripts) {
			populator.addScript(script);
		}
		customize(populator);
		try (Connection connection = getDataSource().getConnection()) {
			execute(connection, "SELECT pg_advisory_lock(" + SCHEMA_LOCK + ")");
			try {
				populator.populate(connection);
			}
			finally {
				execute(connection, "SELECT pg_advisory_unlock(" + SCHEMA_LOCK + ")");
			}
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Could not create Jetway's tables: " + ex.getMessage(), ex);
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
