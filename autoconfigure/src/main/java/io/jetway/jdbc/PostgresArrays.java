package io.jetway.jdbc;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Binds one column of many rows as a PostgreSQL array parameter, for set-based statements
 * ({@code unnest(?::uuid[], ...)}): one statement, one plan and one executor run for a
 * whole batch instead of one per row, which is what a JDBC batch costs the server.
 *
 * @param <T> the row type
 */
public final class PostgresArrays<T> {

	private final PreparedStatement statement;

	private final List<T> rows;

	private int index;

	private PostgresArrays(PreparedStatement statement, List<T> rows) {
		this.statement = statement;
		this.rows = rows;
	}

	/**
	 * Starts binding columns of the rows from the statement's first parameter on.
	 * @param statement the statement
	 * @param rows the rows
	 * @param <T> the row type
	 * @return the binder
	 */
	public static <T> PostgresArrays<T> bind(PreparedStatement statement, List<T> rows) {
		return new PostgresArrays<>(statement, rows);
	}

	/**
	 * Continues at the given parameter index.
	 * @param parameterIndex the next parameter's index (1-based)
	 * @return this binder
	 */
	public PostgresArrays<T> at(int parameterIndex) {
		this.index = parameterIndex - 1;
		return this;
	}

	public PostgresArrays<T> uuids(Function<T, UUID> column) throws SQLException {
		return array("uuid", column);
	}

	public PostgresArrays<T> texts(Function<T, @Nullable String> column) throws SQLException {
		return array("text", column);
	}

	public PostgresArrays<T> bytes(Function<T, byte[]> column) throws SQLException {
		byte[][] values = new byte[this.rows.size()][];
		for (int i = 0; i < values.length; i++) {
			values[i] = column.apply(this.rows.get(i));
		}
		return set(this.statement.getConnection().createArrayOf("bytea", values));
	}

	public PostgresArrays<T> ints(Function<T, Integer> column) throws SQLException {
		return array("int4", column);
	}

	public PostgresArrays<T> longs(Function<T, Long> column) throws SQLException {
		return array("int8", column);
	}

	public PostgresArrays<T> booleans(Function<T, Boolean> column) throws SQLException {
		return array("bool", column);
	}

	/**
	 * Timestamps travel as ISO-8601 text ({@code ?::timestamptz[]} parses it on the
	 * server): exact to the microsecond, and cheaper to produce than the driver's
	 * {@code OffsetDateTime} conversion.
	 */
	public PostgresArrays<T> instants(Function<T, @Nullable Instant> column) throws SQLException {
		String[] values = new String[this.rows.size()];
		for (int i = 0; i < values.length; i++) {
			Instant value = column.apply(this.rows.get(i));
			values[i] = (value != null) ? value.toString() : null;
		}
		return set(this.statement.getConnection().createArrayOf("text", values));
	}

	private PostgresArrays<T> array(String type, Function<T, ?> column) throws SQLException {
		Object[] values = new Object[this.rows.size()];
		for (int i = 0; i < values.length; i++) {
			values[i] = column.apply(this.rows.get(i));
		}
		return set(this.statement.getConnection().createArrayOf(type, values));
	}

	private PostgresArrays<T> set(Array array) throws SQLException {
		this.statement.setArray(++this.index, array);
		return this;
	}

}
