package io.jetway.consumer;

import org.jspecify.annotations.Nullable;

/**
 * How handling one message ended.
 *
 * @param kind what happened
 * @param failure the exception, for {@link Kind#FAILED}
 */
public record DeliveryOutcome(Kind kind, @Nullable Throwable failure) {

	public static final DeliveryOutcome HANDLED = new DeliveryOutcome(Kind.HANDLED, null);

	public static final DeliveryOutcome DUPLICATE = new DeliveryOutcome(Kind.DUPLICATE, null);

	public static DeliveryOutcome failed(Throwable failure) {
		return new DeliveryOutcome(Kind.FAILED, failure);
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
		FAILED

	}

}
