package io.jetway.consumer;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A handler ran longer than its consumer's {@code handler-timeout} and was interrupted;
 * the delivery counts as failed (redelivered with backoff, or dead-lettered on its last
 * delivery).
 */
public class HandlerTimeoutException extends RuntimeException {

	HandlerTimeoutException(String consumer, Duration timeout, @Nullable Throwable cause) {
		super("The handler ran longer than the handler timeout of " + timeout + " (jetway.consumers." + consumer
				+ ".handler-timeout) and was interrupted", cause);
	}

}
