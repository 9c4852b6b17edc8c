package io.jetway.jdbc;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * How Jetway's tables ({@code jetway_outbox}, ...) are created.
 */
@ConfigurationProperties("jetway.jdbc")
public class JetwayJdbcProperties {

	/**
	 * When to create Jetway's tables at startup: 'embedded' only for embedded databases
	 * such as H2, 'always', or 'never' (take the DDL from the jar into Flyway or
	 * Liquibase instead).
	 */
	private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

	public DatabaseInitializationMode getInitializeSchema() {
		return this.initializeSchema;
	}

	public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
		this.initializeSchema = initializeSchema;
	}

}
