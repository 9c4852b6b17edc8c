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
 * Runs a PostgreSQL statement that finds rows by a list of ids after the settings of
 * {@link DatabaseType#prepareKeyedBatch}, both in one round trip. Inside a Spring
 * transaction both apply to it; outside one they form a transaction of their own, which
 * commits when the statement is done.
 */
public final class KeyedBatchStatements {

	private KeyedBatchStatements() {
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
		String settingsAndStatement = DatabaseType.keyedBatchSettings(deferFlush) + "; " + sql;
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
