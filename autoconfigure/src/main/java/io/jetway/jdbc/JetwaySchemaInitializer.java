package io.jetway.jdbc;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;

/**
 * Creates Jetway's tables from the DDL for the database in use. Spring Boot orders it
 * before anything that depends on database initialization (JPA, for example).
 */
public class JetwaySchemaInitializer extends DataSourceScriptDatabaseInitializer {

	public JetwaySchemaInitializer(DataSource dataSource, DatabaseType databaseType, DatabaseInitializationMode mode) {
		super(dataSource, settings(databaseType, mode));
	}

	private static DatabaseInitializationSettings settings(DatabaseType databaseType, DatabaseInitializationMode mode) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of(databaseType.schemaLocation()));
		settings.setMode(mode);
		settings.setContinueOnError(false);
		return settings;
	}

}
