package io.jetway.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementSetter;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs a PostgreSQL statement that finds rows by a list of ids (claims, batched updates
 * joined to {@code unnest}) on a table that may have been filled since its statistics
 * were taken, after the {@link #settings settings} such statements need, both in one
 * round trip. Inside a Spring transaction both apply to it; outside one they form a
 * transaction of their own, which commits when the statement is done.
 */
public final class KeyedBatchStatements {

	private KeyedBatchStatements() {
	}

	/**
	 * The settings, for the current transaction only, as one statement:
	 * <ul>
	 * <li>{@code enable_seqscan = off}: a statement prepared while the table was empty
	 * would keep a generic plan with a sequential scan however large the table grows.
	 * Without sequential scans every plan, custom or generic, probes the primary key, and
	 * the generic plan stays cached: no planning per execution, which costs more than the
	 * update of a few rows.</li>
	 * <li>with {@code deferFlush}, {@code synchronous_commit = off}: the commit returns
	 * before its WAL record is flushed. Only for transactions whose loss in a database
	 * crash is harmless: the change becomes durable with the next synchronous commit, and
	 * if the database crashes first it is undone.</li>
	 * </ul>
	 * @param deferFlush whether the commit may return before the flush
	 * @return the statement
	 */
	public static String settings(boolean deferFlush) {
		return "SELECT set_config('enable_seqscan', 'off', true)"
				+ (deferFlush ? ", set_config('synchronous_commit', 'off', true)" : "");
	}

	/**
	 * Runs a statement that returns no rows.
	 * @param jdbc the template
	 * @param deferFlush whether the commit may return before its WAL flush
	 * @param sql the statement, with {@code ?} parameters
	 * @param parameters binds its parameters
	 */
	public static void update(JdbcTemplate jdbc, boolean deferFlush, String sql, PreparedStatementSetter parameters) {
		run(jdbc, deferFlush, sql, parameters, (rows, rowNum) -> rowNum);
	}

	/**
	 * @param jdbc the template
	 * @param deferFlush whether the commit may return before its WAL flush
	 * @param sql the statement, with {@code ?} parameters
	 * @param parameters binds its parameters
	 * @param rowMapper maps the rows it returns ({@code RETURNING}), if any
	 * @param <T> the row type
	 * @return the rows it returned
	 */
	public static <T> List<T> run(JdbcTemplate jdbc, boolean deferFlush, String sql, PreparedStatementSetter parameters,
			RowMapper<T> rowMapper) {
		String settingsAndStatement = settings(deferFlush) + "; " + sql;
		boolean ownTransaction = !TransactionSynchronizationManager.isActualTransactionActive();
		List<T> result = jdbc.execute((ConnectionCallback<List<T>>) (connection) -> {
			List<T> rows = new ArrayList<>();
			try (PreparedStatement statement = connection.prepareStatement(settingsAndStatement)) {
				parameters.setValues(statement);
				boolean resultSet = statement.execute();
				// the first result holds the settings
				boolean settings = true;
				while (resultSet || statement.getUpdateCount() != -1) {
					if (resultSet) {
						try (ResultSet set = statement.getResultSet()) {
							while (!settings && set.next()) {
								rows.add(rowMapper.mapRow(set, rows.size()));
							}
						}
					}
					settings = false;
					resultSet = statement.getMoreResults();
				}
			}
			if (ownTransaction && !connection.getAutoCommit()) {
				connection.commit();
			}
			return rows;
		});
		return (result != null) ? result : List.of();
	}

}
