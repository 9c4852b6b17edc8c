package io.jetway.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Tells whether Jetway's PostgreSQL DDL would change anything: whether a table, index or
 * column it creates is missing, or an index it drops is still there. It reads the
 * statements from the script itself, so it cannot fall behind it; a statement of any
 * other kind counts as a change.
 * <p>
 * Why: {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS} and
 * {@code CREATE INDEX IF NOT EXISTS} lock their table even when they change nothing
 * (ACCESS EXCLUSIVE, SHARE), which holds up the running instances and can deadlock with
 * them.
 */
final class PostgresSchemaCheck {

	private static final Pattern CREATE_TABLE = Pattern.compile("CREATE TABLE IF NOT EXISTS (\\w+) .*");

	private static final Pattern CREATE_INDEX = Pattern.compile("CREATE (?:UNIQUE )?INDEX IF NOT EXISTS (\\w+) ON .*");

	private static final Pattern ADD_COLUMN = Pattern.compile("ALTER TABLE (\\w+) ADD COLUMN IF NOT EXISTS (\\w+) .*");

	private static final Pattern DROP_INDEX = Pattern.compile("DROP INDEX IF EXISTS (\\w+)");

	private PostgresSchemaCheck() {
	}

	static boolean wouldChange(Connection connection, String script) throws SQLException {
		for (String statement : statements(script)) {
			if (wouldChangeWith(connection, statement)) {
				return true;
			}
		}
		return false;
	}

	/** Jetway's scripts have semicolons only at the end of statements and in comments. */
	private static String[] statements(String script) {
		String withoutComments = script.lines()
			.map((line) -> line.replaceFirst("--.*", ""))
			.collect(Collectors.joining("\n"));
		return Arrays.stream(withoutComments.split(";"))
			.map((statement) -> statement.replaceAll("\\s+", " ").trim())
			.filter((statement) -> !statement.isEmpty())
			.toArray(String[]::new);
	}

	private static boolean wouldChangeWith(Connection connection, String statement) throws SQLException {
		Matcher table = CREATE_TABLE.matcher(statement);
		if (table.matches()) {
			return !relationExists(connection, table.group(1));
		}
		Matcher index = CREATE_INDEX.matcher(statement);
		if (index.matches()) {
			return !relationExists(connection, index.group(1));
		}
		Matcher column = ADD_COLUMN.matcher(statement);
		if (column.matches()) {
			return !isTrue(connection,
					"SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE "
							+ "table_schema = current_schema() AND table_name = ? AND column_name = ?)",
					column.group(1), column.group(2));
		}
		Matcher dropped = DROP_INDEX.matcher(statement);
		if (dropped.matches()) {
			return relationExists(connection, dropped.group(1));
		}
		return true;
	}

	/**
	 * In the current schema only, where the script's unqualified names create it; not
	 * anywhere on the search path (as {@code to_regclass} looks), which may reach another
	 * service's Jetway tables in {@code public}.
	 */
	private static boolean relationExists(Connection connection, String name) throws SQLException {
		return isTrue(connection,
				"SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
						+ "WHERE n.nspname = current_schema() AND c.relname = ?)",
				name);
	}

	private static boolean isTrue(Connection connection, String sql, String... names) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < names.length; i++) {
				statement.setString(i + 1, names[i].toLowerCase(Locale.ROOT));
			}
			try (ResultSet result = statement.executeQuery()) {
				return result.next() && result.getBoolean(1);
			}
		}
	}

}
