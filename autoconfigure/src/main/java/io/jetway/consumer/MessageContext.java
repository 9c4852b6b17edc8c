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
	 * sequence for messages published without one.
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
		Headers headers = message.getHeaders();
		String id = (headers != null) ? headers.getFirst(JetwayHeaders.NATS_MSG_ID) : null;
		if (id != null && !id.isBlank()) {
			return id;
		}
		NatsJetStreamMetaData metaData = message.metaData();
		return metaData.getStream() + ":" + metaData.streamSequence();
	}

}
