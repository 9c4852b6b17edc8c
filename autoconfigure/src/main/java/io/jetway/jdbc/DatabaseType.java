package io.jetway.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * The databases Jetway's tables live in, with what differs between them: the schema file,
 * how ids and timestamps are bound, and how rows are claimed. MariaDB uses the MySQL
 * dialect.
 */
public enum DatabaseType {

	POSTGRESQL("postgresql", true), MYSQL("mysql", true), H2("h2", false);

	private final String schemaName;

	private final boolean skipLocked;

	DatabaseType(String schemaName, boolean skipLocked) {
		this.schemaName = schemaName;
		this.skipLocked = skipLocked;
	}

	/**
	 * @return the classpath location of the DDL for this database
	 */
	public String schemaLocation() {
		return "classpath:io/jetway/jdbc/schema-" + this.schemaName + ".sql";
	}

	/**
	 * The lock clause of a claim query. PostgreSQL and MySQL/MariaDB skip rows another
	 * instance holds; H2 has no {@code SKIP LOCKED}, so its claim waits for the other
	 * transaction and then re-checks the row's status, which is just as safe.
	 * @return the clause to append to a {@code SELECT}
	 */
	public String forUpdateSkipLocked() {
		return this.skipLocked ? "FOR UPDATE SKIP LOCKED" : "FOR UPDATE";
	}

	public void setUuid(PreparedStatement statement, int index, UUID value) throws SQLException {
		if (this == MYSQL) {
			statement.setString(index, value.toString());
		}
		else {
			statement.setObject(index, value);
		}
	}

	public UUID getUuid(ResultSet rows, String column) throws SQLException {
		return (this == MYSQL) ? UUID.fromString(rows.getString(column)) : rows.getObject(column, UUID.class);
	}

	public void setInstant(PreparedStatement statement, int index, @Nullable Instant value) throws SQLException {
		if (value == null) {
			statement.setObject(index, null);
		}
		else if (this == MYSQL) {
			statement.setObject(index, LocalDateTime.ofInstant(value, ZoneOffset.UTC));
		}
		else {
			statement.setObject(index, value.atOffset(ZoneOffset.UTC));
		}
	}

	public @Nullable Instant getInstant(ResultSet rows, String column) throws SQLException {
		if (this == MYSQL) {
			LocalDateTime value = rows.getObject(column, LocalDateTime.class);
			return (value != null) ? value.toInstant(ZoneOffset.UTC) : null;
		}
		OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	/**
	 * Finds the type of the database behind a {@link DataSource}.
	 * @param dataSource the data source
	 * @return the type
	 * @throws IllegalStateException for a database Jetway does not support
	 */
	public static DatabaseType of(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			DatabaseMetaData metaData = connection.getMetaData();
			return fromProductName(metaData.getDatabaseProductName());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Jetway could not read the database's metadata: " + ex.getMessage(), ex);
		}
	}

	static DatabaseType fromProductName(String productName) {
		String name = productName.toLowerCase(Locale.ROOT);
		if (name.contains("postgres")) {
			return POSTGRESQL;
		}
		if (name.contains("mysql") || name.contains("mariadb")) {
			return MYSQL;
		}
		if (name.contains("h2")) {
			return H2;
		}
		throw new IllegalStateException("Jetway's tables support PostgreSQL, MySQL/MariaDB and H2, not '" + productName
				+ "'. Use one of those for the DataSource Jetway writes to, or set "
				+ "jetway.outbox.enabled=false (and jetway.consumers.*.inbox=false) to run without tables.");
	}

}
