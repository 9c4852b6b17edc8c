package io.jetway.jobs.ojs;

import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * An OJS error: answered with its HTTP status and an error object in the binding's format
 * ({@code {"error": {"code", "message", "retryable", "details"}}}).
 */
class OjsException extends RuntimeException {

	private final HttpStatus status;

	private final String code;

	private final Map<String, Object> details;

	OjsException(HttpStatus status, String code, String message, Map<String, Object> details) {
		super(message);
		this.status = status;
		this.code = code;
		this.details = details;
	}

	static OjsException invalid(String message) {
		return new OjsException(HttpStatus.BAD_REQUEST, "invalid_request", message, Map.of());
	}

	static OjsException notFound(String id) {
		return new OjsException(HttpStatus.NOT_FOUND, "not_found", "Job '" + id + "' not found.",
				Map.of("resource_type", "job", "resource_id", id));
	}

	static OjsException conflict(String jobId, String state, String message) {
		return new OjsException(HttpStatus.CONFLICT, "conflict", message,
				Map.of("job_id", jobId, "current_state", state));
	}

	/**
	 * Checks the size of a job's {@code meta} (PUSH and cron registration alike).
	 * @throws OjsException 413 {@code metadata_too_large} when its JSON is longer than
	 * {@link io.jetway.jobs.JobOptions#MAX_META_LENGTH}
	 */
	static void checkMetaLength(tools.jackson.databind.JsonNode meta) {
		int length = meta.toString().length();
		if (length > io.jetway.jobs.JobOptions.MAX_META_LENGTH) {
			throw new OjsException(HttpStatus.PAYLOAD_TOO_LARGE, "metadata_too_large",
					"The 'meta' object is " + length + " characters as JSON, more than the "
							+ io.jetway.jobs.JobOptions.MAX_META_LENGTH
							+ " allowed: it travels in a message header; put larger data in 'args'",
					Map.of("field", "meta"));
		}
	}

	HttpStatus status() {
		return this.status;
	}

	String code() {
		return this.code;
	}

	Map<String, Object> details() {
		return this.details;
	}

	boolean retryable() {
		return this.status.is5xxServerError();
	}

}
