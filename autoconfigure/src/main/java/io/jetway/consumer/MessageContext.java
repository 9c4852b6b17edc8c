package io.jetway.consumer;

import io.jetway.publish.JetwayHeaders;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import org.jspecify.annotations.Nullable;

/**
 * What a handler may want to know about the message it handles.
 */
public final class MessageContext {

	private final Message message;

	private final String consumer;

	private final NatsJetStreamMetaData metaData;

	MessageContext(Message message, String consumer) {
		this.message = message;
		this.consumer = consumer;
		this.metaData = message.metaData();
	}

	/** The subject the message was published to, namespace included. */
	public String subject() {
		return this.message.getSubject();
	}

	public String stream() {
		return this.metaData.getStream();
	}

	public long streamSequence() {
		return this.metaData.streamSequence();
	}

	/** 1 on the first delivery, 2 on the first redelivery, ... */
	public long deliveryCount() {
		return this.metaData.deliveredCount();
	}

	public String consumer() {
		return this.consumer;
	}

	/**
	 * The id the inbox deduplicates by: the {@code Nats-Msg-Id} header, or stream and
	 * sequence for messages published without one. A republished dead letter keeps the id
	 * of the original message ({@link DeadLetterHeaders#REPLAY_MESSAGE_ID}).
	 */
	public String messageId() {
		return messageId(this.message);
	}

	public @Nullable String header(String name) {
		Headers headers = this.message.getHeaders();
		return (headers != null) ? headers.getFirst(name) : null;
	}

	/** The message as jnats delivered it. */
	public Message message() {
		return this.message;
	}

	/**
	 * Tells the server the handler is still working, so the ack wait starts again. Jetway
	 * already does this periodically for running handlers.
	 */
	public void inProgress() {
		this.message.inProgress();
	}

	static String messageId(Message message) {
		String id = headerId(message.getHeaders());
		if (id != null) {
			return id;
		}
		NatsJetStreamMetaData metaData = message.metaData();
		return metaData.getStream() + ":" + metaData.streamSequence();
	}

	/**
	 * @return the id the headers give: a republished dead letter's original id, or the
	 * {@code Nats-Msg-Id}; {@code null} when neither is there
	 */
	static @Nullable String headerId(@Nullable Headers headers) {
		if (headers == null) {
			return null;
		}
		String replayed = headers.getFirst(DeadLetterHeaders.REPLAY_MESSAGE_ID);
		if (replayed != null && !replayed.isBlank()) {
			return replayed;
		}
		String id = headers.getFirst(JetwayHeaders.NATS_MSG_ID);
		return (id != null && !id.isBlank()) ? id : null;
	}

}
