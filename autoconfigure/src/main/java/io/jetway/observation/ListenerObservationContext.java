package io.jetway.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The context of a {@link JetwayObservationDocumentation#LISTENER} observation. Its
 * carrier is the received message: a tracing bridge continues the trace of its
 * {@code traceparent} header.
 */
public class ListenerObservationContext extends ReceiverContext<Message> {

	private final String consumer;

	private final String stream;

	private final String messageId;

	/**
	 * @param message the message
	 * @param consumer the consumer
	 * @param stream the stream, namespace applied
	 * @param messageId the message id
	 */
	public ListenerObservationContext(Message message, String consumer, String stream, String messageId) {
		super(ListenerObservationContext::header, Kind.CONSUMER);
		this.consumer = consumer;
		this.stream = stream;
		this.messageId = messageId;
		setCarrier(message);
		setRemoteServiceName("nats");
	}

	private static @Nullable String header(Message message, String name) {
		Headers headers = message.getHeaders();
		return (headers != null) ? headers.getFirst(name) : null;
	}

	public Message getMessage() {
		return getCarrier();
	}

	public String getConsumer() {
		return this.consumer;
	}

	public String getStream() {
		return this.stream;
	}

	public String getMessageId() {
		return this.messageId;
	}

	/**
	 * @return the message type ({@code ce-type}), if the message has one
	 */
	public @Nullable String getType() {
		return header(getCarrier(), "ce-type");
	}

}
