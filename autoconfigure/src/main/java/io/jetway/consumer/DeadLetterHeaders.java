package io.jetway.consumer;

/**
 * Headers Jetway adds to a dead-lettered message, next to the original headers.
 */
public final class DeadLetterHeaders {

	/** The subject the message was originally published to. */
	public static final String ORIGINAL_SUBJECT = "Jetway-Dlq-Original-Subject";

	public static final String ORIGINAL_STREAM = "Jetway-Dlq-Original-Stream";

	public static final String ORIGINAL_SEQUENCE = "Jetway-Dlq-Original-Sequence";

	public static final String CONSUMER = "Jetway-Dlq-Consumer";

	/** How many times the message was delivered. */
	public static final String DELIVERIES = "Jetway-Dlq-Deliveries";

	/**
	 * The exception class, or {@code MaxDeliveriesExceeded} for a message delivered
	 * beyond max-deliver without an outcome (its handler hung past the ack wait, its
	 * instance stopped, or its dead letter could not be stored).
	 */
	public static final String EXCEPTION = "Jetway-Dlq-Exception";

	public static final String ERROR = "Jetway-Dlq-Error";

	/** ISO-8601 instant. */
	public static final String FAILED_AT = "Jetway-Dlq-Failed-At";

	/**
	 * The id consumers knew the message by ({@link MessageContext#messageId()}, the key
	 * of the inbox): its {@code Nats-Msg-Id}, or stream and sequence.
	 */
	public static final String MESSAGE_ID = "Jetway-Dlq-Message-Id";

	/**
	 * On a republished dead letter: the id of the original message, which
	 * {@link MessageContext#messageId()} (and so the inbox) uses instead of the copy's
	 * own {@code Nats-Msg-Id}.
	 */
	public static final String REPLAY_MESSAGE_ID = "Jetway-Replay-Message-Id";

	/**
	 * On a republished dead letter: the consumer that dead-lettered it. Only that
	 * consumer runs its handler; every other consumer of the subject acknowledges the
	 * copy without running its handler.
	 */
	public static final String REPLAY_CONSUMER = "Jetway-Replay-Consumer";

	/**
	 * On a dead letter stored without the original body, because with it the dead letter
	 * was too large for the server's {@code max_payload} or the dead-letter stream's
	 * maximum message size: the original body's size in bytes.
	 */
	public static final String BODY_OMITTED = "Jetway-Dlq-Body-Omitted";

	private DeadLetterHeaders() {
	}

}
