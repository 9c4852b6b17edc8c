package io.jetway.sample.api;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * A request the API refuses, answered as {@code {"error": ..., "field": ...}}.
 */
public class ApiException extends RuntimeException {

	private final HttpStatus status;

	private final @Nullable String field;

	public ApiException(HttpStatus status, @Nullable String field, String message) {
		super(message);
		this.status = status;
		this.field = field;
	}

	public static ApiException badRequest(String field, String message) {
		return new ApiException(HttpStatus.BAD_REQUEST, field, message);
	}

	public static ApiException notFound(String message) {
		return new ApiException(HttpStatus.NOT_FOUND, null, message);
	}

	public HttpStatus getStatus() {
		return this.status;
	}

	public @Nullable String getField() {
		return this.field;
	}

}
