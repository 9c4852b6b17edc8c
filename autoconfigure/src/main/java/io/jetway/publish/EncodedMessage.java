package io.jetway.publish;

import java.time.Instant;
import java.util.UUID;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.jspecify.annotations.Nullable;

/**
 * A message ready for the wire: namespaced subject, body and headers.
 *
 * @param id the message id, also its {@code Nats-Msg-Id}
 * @param subject the subject with the namespace applied
 * @param body the payload bytes
 * @param headers the headers, including the CloudEvents ones
 * @param notBefore the earliest publish time, or {@code null} for now
 */
public record EncodedMessage(UUID id, String subject, byte[] body, Headers headers, @Nullable Instant notBefore) {

	/**
	 * @return the message as jnats sends it
	 */
	public Message toNatsMessage() {
		return NatsMessage.builder().subject(this.subject).headers(this.headers).data(this.body).build();
	}

	/**
	 * @return the size the server counts against its max payload: body plus headers
	 */
	public long wireSize() {
		return this.body.length + this.headers.serializedLength();
	}

}
