package io.jetway.jdbc;

import java.util.List;

import javax.sql.DataSource;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import org.junit.jupiter.api.Test;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application whose PostgreSQL {@code search_path} is {@code tenant_a, public}, with
 * another service's Jetway tables in {@code public}: Jetway's tables belong in
 * {@code tenant_a} (where unqualified names are created), so the schema check must not
 * count those of {@code public}.
 */
class SchemaInitializerSearchPathTests {

	private static final String SCHEMA = "tenant_a";

	@Test
	void anIndexMissingFromTheCurrentSchemaIsCreatedThereThoughAnotherSchemaOnTheSearchPathHasIt() {
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create()) {
			assertThat(initializer(database.dataSource()).initializeDatabase()).isTrue();
			JdbcTemplate publicSchema = new JdbcTemplate(database.dataSource());
			publicSchema.execute("CREATE SCHEMA " + SCHEMA);
			DataSource tenant = new DriverManagerDataSource(database.url() + "?currentSchema=" + SCHEMA + ",public",
					database.username(), database.password());
			JdbcTemplate tenantSchema = new JdbcTemplate(tenant);
			assertThat(initializer(tenant).initializeDatabase()).isTrue();
			assertThat(relations(tenantSchema)).isEqualTo(relations(publicSchema));
			// what a release that adds only an index meets
			tenantSchema.execute("DROP INDEX " + SCHEMA + ".jetway_jobs_queue_idx");
			assertThat(initializer(tenant).initializeDatabase()).isTrue();
			assertThat(relations(tenantSchema)).contains("jetway_jobs_queue_idx");
		}
	}

	/** The tables and indexes of Jetway in the connection's current schema. */
	private static List<String> relations(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
				+ " WHERE n.nspname = current_schema() AND c.relname LIKE 'jetway%' AND c.relkind IN ('r', 'i')"
				+ " ORDER BY c.relname", String.class);
	}

	private static JetwaySchemaInitializer initializer(DataSource dataSource) {
		return new JetwaySchemaInitializer(dataSource, DatabaseType.POSTGRESQL, DatabaseInitializationMode.ALWAYS);
	}

}
