package io.jetway.publish;

import org.jspecify.annotations.Nullable;

/**
 * A message could not be published. The message says why and what to change.
 */
public class JetwayPublishException extends RuntimeException {

	public JetwayPublishException(String message) {
		super(message);
	}

	public JetwayPublishException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
