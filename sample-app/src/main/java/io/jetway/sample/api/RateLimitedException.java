package io.jetway.sample.api;

import org.springframework.http.HttpStatus;

/**
 * A project is over its tier's limit; answered with 429 and {@code Retry-After}.
 */
public class RateLimitedException extends ApiException {

	private final long retryAfterSeconds;

	public RateLimitedException(String message, long retryAfterSeconds) {
		super(HttpStatus.TOO_MANY_REQUESTS, null, message);
		this.retryAfterSeconds = retryAfterSeconds;
	}

	public long getRetryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
