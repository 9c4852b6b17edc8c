package io.jetway.consumer;

import java.time.Duration;

import io.jetway.consumer.DeadLetterPublisher.DeadLetterException;
import io.jetway.consumer.DeadLetterPublisher.FailedMessage;
import io.jetway.consumer.JetwayConsumersProperties.ConsumerProperties;
import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Settles a consumer's messages after processing: ack, nak with backoff, or dead letter,
 * with Jetway (not the server) enforcing {@code max-deliver}. A message is terminated
 * only after its dead letter's PubAck; a dead letter that cannot be stored naks the
 * message with delay, and its next delivery (beyond max-deliver) tries again without the
 * handler.
 */
final class DeliverySettler {

	private static final Log logger = LogFactory.getLog(DeliverySettler.class);

	/** The dead letter's exception of a message delivered beyond max-deliver. */
	static final String MAX_DELIVERIES_EXCEEDED = "MaxDeliveriesExceeded";

	/** The least delay before a dead letter that could not be stored is tried again. */
	private static final Duration DEAD_LETTER_RETRY_DELAY = Duration.ofSeconds(1);

	private final String name;

	private final int maxDeliver;

	private final RedeliveryPolicy redeliveryPolicy;

	private final @Nullable String deadLetterSubject;

	private final boolean keyedDeadLetterSubject;

	private final DeadLetterPublisher deadLetterPublisher;

	private final ConsumerObserver observer;

	DeliverySettler(String name, ConsumerProperties properties, @Nullable String deadLetterSubject,
			DeadLetterPublisher deadLetterPublisher, ConsumerObserver observer) {
		this.name = name;
		this.maxDeliver = properties.getMaxDeliver();
		this.redeliveryPolicy = new RedeliveryPolicy(properties.getBackoff(), properties.getMaxDeliver(),
				properties.getNonRetryable());
		this.deadLetterSubject = deadLetterSubject;
		this.keyedDeadLetterSubject = !StringUtils.hasText(properties.getDeadLetterSubject());
		this.deadLetterPublisher = deadLetterPublisher;
		this.observer = observer;
	}

	void settle(Message message, DeliveryOutcome outcome) {
		try {
			switch (outcome.kind()) {
				case HANDLED -> {
					message.ack();
					this.observer.handled(this.name);
				}
				case DUPLICATE -> {
					message.ack();
					this.observer.duplicate(this.name);
				}
				case FAILED -> failed(message, outcome.failure());
				case UNAVAILABLE -> message.nak();
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Consumer " + this.name + ": could not settle message " + MessageContext.messageId(message)
					+ " (" + ex + "); the server redelivers it after the ack wait");
		}
	}

	private void failed(Message message, @Nullable Throwable failure) {
		Throwable cause = (failure != null) ? failure : new IllegalStateException("unknown failure");
		long deliveries = message.metaData().deliveredCount();
		Duration delay = this.redeliveryPolicy.redeliveryDelay(deliveries, cause);
		if (delay != null) {
			logger.warn("Consumer " + this.name + ": handler failed for message " + MessageContext.messageId(message)
					+ " (delivery " + deliveries + " of " + this.maxDeliver + "), redelivering in " + delay + ": "
					+ cause);
			message.nakWithDelay(delay);
			this.observer.failed(this.name);
			return;
		}
		String reason = this.redeliveryPolicy.isNonRetryable(cause) ? "not retryable"
				: "out of deliveries (" + deliveries + " of " + this.maxDeliver + ")";
		deadLetter(message, reason, cause.getClass().getName(), String.valueOf(cause.getMessage()), cause);
	}

	/**
	 * Whether the message was delivered more often than max-deliver allows: its earlier
	 * deliveries ended without an outcome (or its dead letter could not be stored).
	 */
	boolean isExhausted(Message message) {
		return this.maxDeliver > 0 && message.metaData().deliveredCount() > this.maxDeliver;
	}

	/**
	 * Dead-letters a message delivered beyond max-deliver, with the failure its last
	 * failed delivery recorded when there is one.
	 */
	void deadLetterExhausted(Message message, @Nullable String lastError) {
		long deliveries = message.metaData().deliveredCount();
		String reason = "out of deliveries (" + deliveries + " of " + this.maxDeliver + ")";
		int separator = (lastError != null) ? lastError.indexOf(": ") : -1;
		if (lastError != null && separator > 0) {
			deadLetter(message, reason, lastError.substring(0, separator), lastError.substring(separator + 2), null);
			return;
		}
		String error = "The message was delivered " + deliveries + " times, more than max-deliver " + this.maxDeliver
				+ ", without an outcome (a handler that hung past the ack wait, "
				+ "an instance that stopped, or a dead letter that could not be stored)";
		deadLetter(message, reason, MAX_DELIVERIES_EXCEEDED, error, null);
	}

	private void deadLetter(Message message, String reason, String exceptionType, String error,
			@Nullable Throwable cause) {
		long deliveries = message.metaData().deliveredCount();
		if (this.deadLetterSubject == null) {
			logger.error("Consumer " + this.name + ": message " + MessageContext.messageId(message) + " is " + reason
					+ " and dead-lettering is off (jetway.consumers." + this.name + ".dead-letter=false); "
					+ "terminating it: " + exceptionType + ": " + error, cause);
			message.term();
			this.observer.failed(this.name);
			return;
		}
		NatsJetStreamMetaData metaData = message.metaData();
		try {
			this.deadLetterPublisher.publish(deadLetterSubject(this.deadLetterSubject, message),
					new FailedMessage(message.getSubject(), metaData.getStream(), metaData.streamSequence(), this.name,
							deliveries, exceptionType, error,
							(message.getData() != null) ? message.getData() : new byte[0], message.getHeaders()));
		}
		catch (DeadLetterException ex) {
			// redelivered by the server (the durable's max deliver is unlimited); the
			// next delivery tries the dead letter again, without running the handler
			Duration delay = max(this.redeliveryPolicy.backoff(deliveries), DEAD_LETTER_RETRY_DELAY);
			logger.error(ex.getMessage() + "; the message stays in the stream and is dead-lettered on its next "
					+ "delivery, in " + delay, ex);
			message.nakWithDelay(delay);
			return;
		}
		message.term();
		logger.warn("Consumer " + this.name + ": message " + MessageContext.messageId(message) + " is " + reason
				+ "; dead-lettered to " + this.deadLetterSubject + ": " + exceptionType + ": " + error);
		this.observer.deadLettered(this.name);
	}

	/**
	 * The default dead-letter subject gets a last token derived from the message id, so
	 * that {@link DeadLetters#find} reads the dead letter of a message directly; a custom
	 * subject is used as it is (the stream the user declared captures exactly that).
	 */
	private String deadLetterSubject(String subject, Message message) {
		return this.keyedDeadLetterSubject
				? subject + "." + DeadLetters.messageIdToken(MessageContext.messageId(message)) : subject;
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

}
