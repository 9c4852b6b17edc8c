package io.jetway.test.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fills a PostgreSQL table with millions of rows quickly, for query-plan tests and the
 * benchmarks' history: the table's indexes are dropped, the rows written by one statement
 * (an {@code INSERT ... SELECT ... generate_series}), the indexes built again (a sorted
 * build instead of millions of random inserts), then the table is vacuumed and analysed,
 * as autovacuum would have done.
 */
public final class BulkFill {

	private BulkFill() {
	}

	/**
	 * @param connection a connection in auto-commit mode
	 * @param table the table, whose primary key constraint is named {@code <table>_pkey}
	 * @param insert the statement that writes the rows
	 */
	public static void fill(Connection connection, String table, String insert) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET maintenance_work_mem = '1GB'");
			Map<String, String> indexes = new LinkedHashMap<>();
			try (ResultSet rows = statement
				.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '" + table + "'")) {
				while (rows.next()) {
					indexes.put(rows.getString(1), rows.getString(2));
				}
			}
			String primaryKey = table + "_pkey";
			statement.execute("ALTER TABLE " + table + " DROP CONSTRAINT " + primaryKey);
			for (String index : indexes.keySet()) {
				if (!index.equals(primaryKey)) {
					statement.execute("DROP INDEX " + index);
				}
			}
			statement.execute(insert);
			for (String definition : indexes.values()) {
				statement.execute(definition);
			}
			statement.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + primaryKey + " PRIMARY KEY USING INDEX "
					+ primaryKey);
			statement.execute("VACUUM (ANALYZE) " + table);
			statement.execute("RESET maintenance_work_mem");
		}
	}

}
