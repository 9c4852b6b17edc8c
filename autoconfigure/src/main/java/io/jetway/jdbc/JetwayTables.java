package io.jetway.jdbc;

import java.util.List;

/**
 * The tables one of Jetway's capabilities needs, and the columns added to them after
 * their first release; each capability's auto-configuration declares its own, and
 * {@link JetwaySchemaVerifier} checks at startup that they exist.
 *
 * @param capability the capability, for messages, such as {@code outbox}
 * @param tables the tables, such as {@code jetway_outbox}
 * @param columns columns added later, as {@code table.column}, such as
 * {@code jetway_jobs.traceparent}: a database created by an earlier version lacks them
 * where its script cannot add them (MySQL 8 has no {@code ADD COLUMN IF NOT EXISTS})
 */
public record JetwayTables(String capability, List<String> tables, List<String> columns) {

	public JetwayTables(String capability, String... tables) {
		this(capability, List.of(tables), List.of());
	}

	/**
	 * @param columns columns added later, as {@code table.column}
	 * @return these tables with those columns required as well
	 */
	public JetwayTables withColumns(String... columns) {
		return new JetwayTables(this.capability, this.tables, List.of(columns));
	}

}
