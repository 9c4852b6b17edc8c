package io.jetway.consumer;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a handler for a message that can never succeed: it goes to the dead-letter
 * subject at once, without further deliveries.
 */
public class NonRetryableException extends RuntimeException {

	public NonRetryableException(String message) {
		super(message);
	}

	public NonRetryableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
