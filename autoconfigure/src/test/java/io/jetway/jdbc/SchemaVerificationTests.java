package io.jetway.jdbc;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.consumer.ConsumerAutoConfiguration;
import io.jetway.inbox.InboxAutoConfiguration;
import io.jetway.jobs.JobsAutoConfiguration;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.publish.PublishAutoConfiguration;
import io.jetway.support.JetwayConfigurationException;
import io.jetway.support.JetwayFailureAnalyzer;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.topology.TopologyAutoConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Startup fails with a report naming {@code jetway.jdbc.initialize-schema} and the DDL
 * when a table an enabled capability needs does not exist, instead of starting an
 * application whose every publish fails.
 */
class SchemaVerificationTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(
			DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class,
			NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class, JetwayJdbcAutoConfiguration.class,
			OutboxAutoConfiguration.class, PublishAutoConfiguration.class, InboxAutoConfiguration.class,
			ConsumerAutoConfiguration.class, JobsAutoConfiguration.class);

	@BeforeEach
	void dropJetwayTables() {
		for (TestDatabase type : TestDatabase.values()) {
			JdbcTemplate jdbc = new JdbcTemplate(databases.get(type).dataSource());
			for (String table : new String[] { "jetway_job_dispatch", "jetway_job_schedules", "jetway_job_queues",
					"jetway_jobs", "jetway_inbox", "jetway_outbox" }) {
				jdbc.execute("DROP TABLE IF EXISTS " + table);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void missingTablesFailStartupNamingThePropertyAndTheDdl(TestDatabase type) {
		TestDatabaseInstance database = databases.get(type);
		contextRunner(database, "never").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(NestedExceptionUtils.getMostSpecificCause(failure))
				.isInstanceOf(JetwayConfigurationException.class)
				.hasMessageContaining("jetway_outbox (outbox)")
				.hasMessageContaining("jetway_inbox (inbox)")
				.hasMessageContaining("jetway_jobs (jobs)")
				.hasMessageContaining("jetway.jdbc.initialize-schema=always")
				.hasMessageContaining("io/jetway/jdbc/schema-" + schemaName(type) + ".sql");
			FailureAnalysis analysis = new JetwayFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("do not exist").contains("jetway.jdbc.initialize-schema");
			assertThat(analysis.getAction()).contains("schema-" + schemaName(type) + ".sql");
		});
	}

	@Test
	void onlyTheMissingTablesOfTheEnabledCapabilitiesAreNamed() {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		contextRunner(database, "always").run((context) -> assertThat(context).hasNotFailed());
		new JdbcTemplate(database.dataSource()).execute("DROP TABLE jetway_jobs");
		contextRunner(database, "never")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("Jetway's tables jetway_jobs (jobs) do not exist"));
		contextRunner(database, "never").withPropertyValues("jetway.jobs.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aColumnAddedByANewerVersionAndMissingFromAnOlderMariaDbTableFailsStartupWithTheAlterStatement() {
		TestDatabaseInstance database = databases.get(TestDatabase.MARIADB);
		contextRunner(database, "always").run((context) -> assertThat(context).hasNotFailed());
		// a table an earlier version created: MySQL's script cannot add the column
		new JdbcTemplate(database.dataSource()).execute("ALTER TABLE jetway_jobs DROP COLUMN traceparent");
		contextRunner(database, "always").run((context) -> {
			FailureAnalysis analysis = new JetwayFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("jetway_jobs.traceparent (jobs)")
				.doesNotContain("claim_seq");
			assertThat(analysis.getAction()).contains("ALTER TABLE jetway_jobs ADD COLUMN traceparent VARCHAR(64);");
		});
	}

	@ParameterizedTest
	@CsvSource({ "MARIADB, meta, TEXT", "POSTGRESQL, meta, TEXT", "POSTGRESQL, traceparent, VARCHAR(64)" })
	void eachMissingColumnIsNamedWithItsOwnAlterStatement(TestDatabase type, String column, String definition) {
		TestDatabaseInstance database = databases.get(type);
		contextRunner(database, "always").run((context) -> assertThat(context).hasNotFailed());
		new JdbcTemplate(database.dataSource()).execute("ALTER TABLE jetway_jobs DROP COLUMN " + column);
		contextRunner(database, "never").run((context) -> {
			FailureAnalysis analysis = new JetwayFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("jetway_jobs." + column + " (jobs)");
			assertThat(analysis.getAction())
				.contains("ALTER TABLE jetway_jobs ADD COLUMN " + column + " " + definition + ";")
				.doesNotContain("ADD COLUMN " + (column.equals("meta") ? "traceparent" : "meta"));
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void tablesCreatedAtStartupPass(TestDatabase type) {
		contextRunner(databases.get(type), "always").run((context) -> assertThat(context).hasNotFailed());
	}

	private static ApplicationContextRunner contextRunner(TestDatabaseInstance database, String initializeSchema) {
		return new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS)
			.withPropertyValues("spring.datasource.url=" + database.url(),
					"spring.datasource.username=" + database.username(),
					"spring.datasource.password=" + database.password(), "jetway.nats.servers=" + nats.url(),
					"jetway.jdbc.initialize-schema=" + initializeSchema);
	}

	private static String schemaName(TestDatabase type) {
		return switch (type) {
			case POSTGRESQL -> "postgresql";
			case MARIADB -> "mysql";
			case H2 -> "h2";
		};
	}

}
