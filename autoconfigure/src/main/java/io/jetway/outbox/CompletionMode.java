package io.jetway.outbox;

/**
 * What happens to an outbox row once JetStream has stored its message.
 */
public enum CompletionMode {

	/**
	 * The row is marked sent with its stream and sequence, and deleted after the
	 * retention period.
	 */
	UPDATE,

	/**
	 * The row is deleted as soon as its PubAck arrived.
	 */
	DELETE

}
