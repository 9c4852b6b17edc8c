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
 * Fails startup when a table an enabled capability needs, or a column added to it later,
 * does not exist, naming the property that creates it and the DDL to create it by hand,
 * instead of starting an application whose every publish or enqueue fails. Runs after
 * every singleton, so after {@link JetwaySchemaInitializer}; a table counts as missing
 * when a query on it fails with bad SQL grammar (PostgreSQL {@code 42P01}, MySQL
 * {@code 1146}, H2 {@code 42102}), so it is looked up as the application's queries will
 * be (search path, case).
 */
public class JetwaySchemaVerifier implements SmartInitializingSingleton {

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final ObjectProvider<JetwayTables> required;

	private final SchemaScript ddl;

	public JetwaySchemaVerifier(DataSource dataSource, DatabaseType databaseType,
			ObjectProvider<JetwayTables> required) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.databaseType = databaseType;
		this.required = required;
		this.ddl = new SchemaScript(databaseType.schemaLocation());
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> missingTables = new ArrayList<>();
		List<String> missingColumns = new ArrayList<>();
		List<String> alterStatements = new ArrayList<>();
		this.required.orderedStream().forEach((tables) -> {
			List<String> absent = new ArrayList<>();
			for (String table : tables.tables()) {
				if (!answers("SELECT 1 FROM " + table)) {
					absent.add(table);
					missingTables.add(table + " (" + tables.capability() + ")");
				}
			}
			for (String column : tables.columns()) {
				String table = column.substring(0, column.indexOf('.'));
				String name = column.substring(table.length() + 1);
				if (!absent.contains(table) && !answers("SELECT " + name + " FROM " + table)) {
					missingColumns.add(column + " (" + tables.capability() + ")");
					alterStatements.add(this.ddl.addColumn(table, name));
				}
			}
		});
		String ddl = this.databaseType.schemaLocation();
		if (!missingTables.isEmpty()) {
			throw new JetwayConfigurationException(
					"Jetway's tables "
							+ String.join(", ", missingTables) + " do not exist in the application's database",
					"jetway.jdbc.initialize-schema",
					"Set jetway.jdbc.initialize-schema=always to create them at startup (safe with several "
							+ "instances), or create them with the DDL in " + ddl
							+ " (in the jetway-spring-boot-autoconfigure jar; docs/outbox.md, Schema)",
					null);
		}
		if (!missingColumns.isEmpty()) {
			throw new JetwayConfigurationException(
					"Jetway's columns " + String.join(", ", missingColumns)
							+ " do not exist in the application's database, whose tables an earlier Jetway version "
							+ "created",
					"jetway.jdbc.initialize-schema",
					"Add them as " + ddl + " defines them: " + String.join(" ", alterStatements)
							+ " On PostgreSQL and H2, jetway.jdbc.initialize-schema=always adds them at startup "
							+ "(docs/operations.md, Upgrading)",
					null);
		}
	}

	/**
	 * @return whether the query, limited to no rows, runs: false when a table or column
	 * it names does not exist
	 */
	private boolean answers(String select) {
		try {
			this.jdbc.query(select + " WHERE 1 = 0", (row) -> {
			});
			return true;
		}
		catch (BadSqlGrammarException ex) {
			return false;
		}
	}

}
