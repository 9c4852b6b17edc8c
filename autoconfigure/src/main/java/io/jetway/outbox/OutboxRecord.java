package io.jetway.outbox;

import java.time.Instant;
import java.util.UUID;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

/**
 * An outbox row to publish.
 *
 * @param id the row and message id ({@code Nats-Msg-Id})
 * @param subject the subject, namespace included
 * @param payload the body
 * @param headers the headers
 * @param attempts the failed attempts so far
 * @param createdAt when the row was written
 */
public record OutboxRecord(UUID id, String subject, byte[] payload, Headers headers, int attempts, Instant createdAt) {

	Message toNatsMessage() {
		return NatsMessage.builder().subject(this.subject).headers(this.headers).data(this.payload).build();
	}

}
