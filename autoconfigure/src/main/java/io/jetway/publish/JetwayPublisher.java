package io.jetway.publish;

/**
 * Publishes messages to JetStream.
 * <p>
 * Inside a Spring-managed transaction (with the outbox on, the default when a
 * {@code DataSource} exists) a publish only writes an outbox row in that transaction; the
 * relay publishes it after commit, and a rollback means it is never published. Outside a
 * transaction the message is published at once and the call returns after the server
 * stored it (its PubAck), or throws.
 * <p>
 * Every message carries a unique time-ordered id as {@code Nats-Msg-Id}, so JetStream
 * drops duplicates within the stream's duplicate window, and CloudEvents headers
 * ({@code ce-id}, {@code ce-type}, {@code ce-source}, {@code ce-time},
 * {@code ce-specversion}, {@code content-type}). The body is the payload itself.
 */
public interface JetwayPublisher {

	/**
	 * Publishes a payload: {@code byte[]} and {@code String} as they are, anything else
	 * as JSON with the application's mapper.
	 * @param subject the subject, before the namespace is applied
	 * @param payload the payload
	 * @return the receipt
	 * @throws MessageTooLargeException when the message exceeds the server's max payload
	 * @throws NoStreamForSubjectException when published directly and no stream captures
	 * the subject
	 */
	PublishReceipt publish(String subject, Object payload);

	/**
	 * Publishes a message with explicit id, type, headers or earliest publish time.
	 * @param message the message
	 * @return the receipt
	 */
	PublishReceipt publish(OutgoingMessage message);

	/**
	 * Publishes on core NATS, fire and forget: not stored by JetStream, not in the
	 * outbox, lost when nobody listens at that moment. For ephemeral notifications only.
	 * @param subject the subject, before the namespace is applied
	 * @param payload the payload
	 */
	void publishEphemeral(String subject, Object payload);

}
