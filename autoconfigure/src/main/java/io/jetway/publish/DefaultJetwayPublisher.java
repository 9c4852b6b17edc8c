package io.jetway.publish;

import java.nio.charset.StandardCharsets;

import io.nats.client.Connection;
import org.jspecify.annotations.Nullable;

/**
 * The {@link JetwayPublisher}: writes to the outbox when a transaction is active and the
 * outbox is on, otherwise publishes directly.
 */
public class DefaultJetwayPublisher implements JetwayPublisher {

	private final MessageEncoder encoder;

	private final DirectPublisher directPublisher;

	private final Connection connection;

	private final @Nullable OutboxWriter outboxWriter;

	private final boolean requireTransaction;

	/**
	 * @param encoder encodes messages
	 * @param directPublisher publishes outside transactions
	 * @param connection for ephemeral core NATS publishes
	 * @param outboxWriter the outbox, or {@code null} when it is off
	 * @param requireTransaction whether a publish outside a transaction throws instead of
	 * publishing directly
	 */
	public DefaultJetwayPublisher(MessageEncoder encoder, DirectPublisher directPublisher, Connection connection,
			@Nullable OutboxWriter outboxWriter, boolean requireTransaction) {
		this.encoder = encoder;
		this.directPublisher = directPublisher;
		this.connection = connection;
		this.outboxWriter = outboxWriter;
		this.requireTransaction = requireTransaction;
	}

	@Override
	public PublishReceipt publish(String subject, Object payload) {
		return publish(OutgoingMessage.builder(subject, payload).build());
	}

	@Override
	public PublishReceipt publish(OutgoingMessage message) {
		EncodedMessage encoded = this.encoder.encode(message);
		if (this.outboxWriter != null && this.outboxWriter.canWrite()) {
			return this.outboxWriter.write(encoded);
		}
		if (this.requireTransaction) {
			throw new JetwayPublishException("Publishing to '" + message.subject() + "' outside a transaction is "
					+ "not allowed (jetway.outbox.require-transaction=true). Publish inside a @Transactional "
					+ "method, or set jetway.outbox.require-transaction=false to publish directly.");
		}
		return this.directPublisher.publish(encoded);
	}

	@Override
	public void publishEphemeral(String subject, Object payload) {
		EncodedMessage encoded = this.encoder.encode(OutgoingMessage.builder(subject, payload).build());
		this.connection.publish(encoded.toNatsMessage());
	}

}
