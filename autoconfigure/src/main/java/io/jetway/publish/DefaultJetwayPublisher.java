package io.jetway.publish;

import java.nio.charset.StandardCharsets;

import io.jetway.observation.DefaultPublishObservationConvention;
import io.jetway.observation.JetwayObservationDocumentation;
import io.jetway.observation.PublishObservationContext;
import io.jetway.observation.PublishObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
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

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable PublishObservationConvention observationConvention;

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

	/**
	 * Sets the registry of the {@code jetway.publish} observations; with a tracing
	 * bridge, each injects the W3C {@code traceparent} into the message's headers, so
	 * that it is stored with the outbox row and sent with the message.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Replaces {@link DefaultPublishObservationConvention}.
	 * @param observationConvention the convention, or {@code null} for the default
	 */
	public void setObservationConvention(@Nullable PublishObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	@Override
	public PublishReceipt publish(String subject, Object payload) {
		return publish(OutgoingMessage.builder(subject, payload).build());
	}

	@Override
	public PublishReceipt publish(OutgoingMessage message) {
		EncodedMessage encoded = this.encoder.encode(message);
		Observation observation = JetwayObservationDocumentation.PUBLISH.observation(this.observationConvention,
				DefaultPublishObservationConvention.INSTANCE,
				() -> new PublishObservationContext(encoded.subject(),
						encoded.headers().getFirst(JetwayHeaders.CE_TYPE), encoded.id().toString(), encoded.headers()),
				this.observationRegistry);
		return observation.observe(() -> publishEncoded(message, encoded));
	}

	private PublishReceipt publishEncoded(OutgoingMessage message, EncodedMessage encoded) {
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
