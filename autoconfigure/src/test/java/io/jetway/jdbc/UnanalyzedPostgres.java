package io.jetway.jdbc;

import java.sql.SQLException;
import java.util.List;

import io.jetway.test.jdbc.BulkFill;
import io.jetway.test.jdbc.HistoryRows;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * A fresh PostgreSQL database with Jetway's schema whose tables are never analysed (as
 * right after startup and a burst), on one connection, for query-plan tests: statements
 * are prepared while the tables are empty, filled, then explained with custom and generic
 * plans. Or filled with a long history and analysed ({@link #fill}), for the plans at
 * size.
 */
public final class UnanalyzedPostgres implements AutoCloseable {

	private final TestDatabaseInstance database;

	private final SingleConnectionDataSource connection;

	private final JdbcTemplate jdbc;

	private UnanalyzedPostgres(TestDatabaseInstance database, SingleConnectionDataSource connection) {
		this.database = database;
		this.connection = connection;
		this.jdbc = new JdbcTemplate(connection);
	}

	/**
	 * @param tables the tables autovacuum must not analyse while the test runs
	 */
	public static UnanalyzedPostgres withJetwaySchema(String... tables) throws SQLException {
		TestDatabaseInstance database = TestDatabase.POSTGRESQL.create();
		UnanalyzedPostgres postgres = new UnanalyzedPostgres(database,
				new SingleConnectionDataSource(database.dataSource().getConnection(), true));
		new ResourceDatabasePopulator(new ClassPathResource("io/jetway/jdbc/schema-postgresql.sql"))
			.execute(postgres.connection);
		for (String table : tables) {
			postgres.jdbc.execute("ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
		}
		return postgres;
	}

	/**
	 * The rows the query-plan tests at size write into a table: 200,000 (a few seconds),
	 * or {@code -Djetway.query-plan.rows=10000000} to check the plans at that size.
	 */
	public static long historyRows() {
		return Long.getLong("jetway.query-plan.rows", 200_000);
	}

	/**
	 * Writes rows into a table quickly and analyses it ({@link BulkFill}).
	 * @param insert for example one of {@link HistoryRows}
	 */
	public void fill(String table, String insert) throws SQLException {
		BulkFill.fill(this.connection.getConnection(), table, insert);
	}

	public JdbcTemplate jdbc() {
		return this.jdbc;
	}

	/**
	 * Prepares a statement written with JDBC {@code ?} placeholders on the server.
	 * @param name the prepared statement's name
	 * @param types its parameter types, in order, for example {@code uuid[]}
	 * @param sql the statement
	 */
	public void prepare(String name, List<String> types, String sql) {
		String statement = sql;
		for (int i = 1; i <= types.size(); i++) {
			statement = statement.replaceFirst("\\?", "\\$" + i);
		}
		this.jdbc.execute("PREPARE " + name + "(" + String.join(", ", types) + ") AS " + statement);
	}

	/**
	 * @param execute an {@code EXECUTE} of a prepared statement
	 * @param planCacheMode {@code force_custom_plan} or {@code force_generic_plan}
	 * @return the plan, one line per node
	 */
	public String plan(String execute, String planCacheMode) {
		return plan(execute, planCacheMode, "SELECT 1");
	}

	/**
	 * @param execute an {@code EXECUTE} of a prepared statement
	 * @param planCacheMode {@code force_custom_plan} or {@code force_generic_plan}
	 * @param settings a statement run first in the same transaction, such as
	 * {@link KeyedBatchStatements#settings(boolean)}
	 * @return the plan, one line per node
	 */
	public String plan(String execute, String planCacheMode, String settings) {
		this.jdbc.execute("BEGIN");
		try {
			this.jdbc.execute("SET LOCAL plan_cache_mode = " + planCacheMode);
			this.jdbc.execute(settings);
			return String.join("\n", this.jdbc.queryForList("EXPLAIN " + execute, String.class));
		}
		finally {
			this.jdbc.execute("ROLLBACK");
		}
	}

	/**
	 * @return whether the table was never analysed (otherwise a plan test means little)
	 */
	public boolean neverAnalyzed(String table) {
		return Boolean.TRUE.equals(this.jdbc.queryForObject("SELECT last_analyze IS NULL AND last_autoanalyze IS NULL "
				+ "FROM pg_stat_user_tables WHERE relname = ?", Boolean.class, table));
	}

	@Override
	public void close() {
		this.connection.destroy();
		this.database.close();
	}

}
