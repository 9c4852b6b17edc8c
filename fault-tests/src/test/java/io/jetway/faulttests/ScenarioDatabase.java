package io.jetway.faulttests;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jetway.test.jdbc.PostgresServerProcess;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;

/**
 * The PostgreSQL database of one run: a fresh one on the machine's server, or one on a
 * private server that the scenario stops and kills.
 */
interface ScenarioDatabase extends AutoCloseable {

	/** The JDBC URL the workload instances use. */
	String jdbcUrl();

	String username();

	String password();

	/** A pool for the accounting, which waits out outages. */
	DataSource dataSource();

	@Override
	void close();

	/** A fresh database on the machine's PostgreSQL, dropped at the end. */
	static ScenarioDatabase shared() {
		TestDatabaseInstance database = TestDatabase.POSTGRESQL.create();
		return new ScenarioDatabase() {

			@Override
			public String jdbcUrl() {
				return database.url();
			}

			@Override
			public String username() {
				return database.username();
			}

			@Override
			public String password() {
				return database.password();
			}

			@Override
			public DataSource dataSource() {
				return database.dataSource();
			}

			@Override
			public void close() {
				database.close();
			}

		};
	}

	/** A database on a private PostgreSQL server; closing it stops the server. */
	static ScenarioDatabase on(PostgresServerProcess server) {
		server.createDatabase("workload");
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(server.jdbcUrl("workload"));
		config.setUsername(server.username());
		config.setMaximumPoolSize(2);
		config.setConnectionTimeout(2000);
		config.setInitializationFailTimeout(-1);
		HikariDataSource dataSource = new HikariDataSource(config);
		return new ScenarioDatabase() {

			@Override
			public String jdbcUrl() {
				return server.jdbcUrl("workload");
			}

			@Override
			public String username() {
				return server.username();
			}

			@Override
			public String password() {
				return "";
			}

			@Override
			public DataSource dataSource() {
				return dataSource;
			}

			@Override
			public void close() {
				dataSource.close();
				server.close();
			}

		};
	}

}
