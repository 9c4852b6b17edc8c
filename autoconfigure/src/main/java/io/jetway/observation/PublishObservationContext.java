package io.jetway.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import io.nats.client.impl.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The context of a {@link JetwayObservationDocumentation#PUBLISH} observation. Its
 * carrier is the message's headers: a tracing bridge injects {@code traceparent} into
 * them when the observation starts, so that it is stored with the outbox row (or the job
 * row) and sent with the message.
 */
public class PublishObservationContext extends SenderContext<Headers> {

	private final String subject;

	private final @Nullable String type;

	private final String messageId;

	/**
	 * @param subject the subject, namespace applied (for a job: its queue's subject)
	 * @param type the message type or job type, if any
	 * @param messageId the message id (for a job: the job id)
	 * @param headers the headers to inject the trace context into
	 */
	public PublishObservationContext(String subject, @Nullable String type, String messageId, Headers headers) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		}, Kind.PRODUCER);
		this.subject = subject;
		this.type = type;
		this.messageId = messageId;
		setCarrier(headers);
		setRemoteServiceName("nats");
	}

	public String getSubject() {
		return this.subject;
	}

	public @Nullable String getType() {
		return this.type;
	}

	public String getMessageId() {
		return this.messageId;
	}

}
