package io.jetway.consumer;

import org.jspecify.annotations.Nullable;

/**
 * What a processor recorded of a message's earlier deliveries, asked before a message
 * delivered beyond max-deliver is dead-lettered without its handler.
 *
 * @param processed whether it was processed (its ack was lost): acknowledged, not
 * dead-lettered
 * @param lastError the failure its last failed delivery recorded, as
 * {@code "<exception class>: <message>"}, or {@code null}
 */
public record EarlierDeliveries(boolean processed, @Nullable String lastError) {

	/** Nothing recorded (consumers without the inbox). */
	public static final EarlierDeliveries UNKNOWN = new EarlierDeliveries(false, null);

}
