package io.jetway.outbox;

import java.util.Locale;

/**
 * The state of an outbox row, stored in its {@code status} column in lower case.
 */
public enum OutboxStatus {

	/** Waiting to be published (again). */
	PENDING,

	/** Stored by JetStream. */
	SENT,

	/** Gave up after the maximum attempts; kept until republished. */
	FAILED;

	public String columnValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static OutboxStatus fromColumn(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

}
