package io.jetway.publish;

/**
 * Stores messages in the caller's transaction for publishing after commit. Implemented by
 * the outbox.
 */
public interface OutboxWriter {

	/**
	 * @return whether a transaction is active that the message can join
	 */
	boolean canWrite();

	/**
	 * Adds the message to the current transaction.
	 * @param message the message
	 * @return a receipt with {@link PublishReceipt#outboxed()} set
	 */
	PublishReceipt write(EncodedMessage message);

}
