package io.jetway.consumer;

import org.jspecify.annotations.Nullable;

/**
 * How handling one message ended.
 *
 * @param kind what happened
 * @param failure the exception, for {@link Kind#FAILED} and {@link Kind#UNAVAILABLE}
 */
public record DeliveryOutcome(Kind kind, @Nullable Throwable failure) {

	public static final DeliveryOutcome HANDLED = new DeliveryOutcome(Kind.HANDLED, null);

	public static final DeliveryOutcome DUPLICATE = new DeliveryOutcome(Kind.DUPLICATE, null);

	public static DeliveryOutcome failed(Throwable failure) {
		return new DeliveryOutcome(Kind.FAILED, failure);
	}

	/**
	 * @param failure why the infrastructure is thought unreachable
	 * @return the outcome of a delivery held back because the database (or NATS) could
	 * not be reached
	 */
	public static DeliveryOutcome unavailable(Throwable failure) {
		return new DeliveryOutcome(Kind.UNAVAILABLE, failure);
	}

	/**
	 * What happened.
	 */
	public enum Kind {

		/** The handler completed; acknowledge. */
		HANDLED,

		/**
		 * The inbox had already processed this message id; acknowledge without handling.
		 */
		DUPLICATE,

		/** The handler threw; redeliver or dead-letter. */
		FAILED,

		/**
		 * The database (or NATS) could not be reached: the container holds the message
		 * (in-progress acks, no delivery spent) and processes it again with backoff.
		 */
		UNAVAILABLE

	}

}
