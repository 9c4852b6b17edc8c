package io.jetway.jdbc;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.jetway.support.JetwayConfigurationException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Fails startup when a table an enabled capability needs does not exist, naming the
 * property that creates it and the DDL to create it by hand, instead of starting an
 * application whose every publish fails. Runs after every singleton, so after
 * {@link JetwaySchemaInitializer}; a table counts as missing when a query on it fails
 * with bad SQL grammar (PostgreSQL {@code 42P01}, MySQL {@code 1146}, H2 {@code 42102}),
 * so it is looked up as the application's queries will be (search path, case).
 */
public class JetwaySchemaVerifier implements SmartInitializingSingleton {

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final ObjectProvider<JetwayTables> required;

	public JetwaySchemaVerifier(DataSource dataSource, DatabaseType databaseType,
			ObjectProvider<JetwayTables> required) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.databaseType = databaseType;
		this.required = required;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> missing = new ArrayList<>();
		this.required.orderedStream().forEach((tables) -> {
			for (String table : tables.tables()) {
				if (!exists(table)) {
					missing.add(table + " (" + tables.capability() + ")");
				}
			}
		});
		if (!missing.isEmpty()) {
			String ddl = this.databaseType.schemaLocation();
			throw new JetwayConfigurationException(
					"Jetway's tables " + String.join(", ", missing) + " do not exist in the application's database",
					"jetway.jdbc.initialize-schema",
					"Set jetway.jdbc.initialize-schema=always to create them at startup (safe with several "
							+ "instances), or create them with the DDL in " + ddl
							+ " (in the jetway-spring-boot-autoconfigure jar; docs/outbox.md, Schema)",
					null);
		}
	}

	private boolean exists(String table) {
		try {
			this.jdbc.query("SELECT 1 FROM " + table + " WHERE 1 = 0", (row) -> {
			});
			return true;
		}
		catch (BadSqlGrammarException ex) {
			return false;
		}
	}

}
