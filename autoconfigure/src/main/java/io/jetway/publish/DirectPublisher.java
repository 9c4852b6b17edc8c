package io.jetway.publish;

import java.io.IOException;
import java.time.Duration;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;

/**
 * Publishes one message to JetStream and waits for the server's PubAck.
 */
public class DirectPublisher {

	private final JetStream jetStream;

	private final Duration ackTimeout;

	public DirectPublisher(JetStream jetStream, Duration ackTimeout) {
		this.jetStream = jetStream;
		this.ackTimeout = ackTimeout;
	}

	public PublishReceipt publish(EncodedMessage message) {
		if (message.notBefore() != null) {
			throw new JetwayPublishException("A message with notBefore (subject '" + message.subject()
					+ "') can only be published inside a transaction with the outbox on: the outbox delays it. "
					+ "Publish it inside a @Transactional method, or drop notBefore.");
		}
		try {
			PublishAck ack = this.jetStream.publish(message.toNatsMessage(),
					io.nats.client.PublishOptions.builder().streamTimeout(this.ackTimeout).build());
			return new PublishReceipt(message.id(), message.subject(), ack.getStream(), ack.getSeqno(),
					ack.isDuplicate(), false);
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			throw PublishFailures.translate(message.subject(), ex);
		}
	}

}
