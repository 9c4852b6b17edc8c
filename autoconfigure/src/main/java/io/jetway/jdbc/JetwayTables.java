package io.jetway.jdbc;

import java.util.List;

/**
 * The tables one of Jetway's capabilities needs; each capability's auto-configuration
 * declares its own, and {@link JetwaySchemaVerifier} checks at startup that they exist.
 *
 * @param capability the capability, for messages, such as {@code outbox}
 * @param tables the tables, such as {@code jetway_outbox}
 */
public record JetwayTables(String capability, List<String> tables) {

	public JetwayTables(String capability, String... tables) {
		this(capability, List.of(tables));
	}

}
