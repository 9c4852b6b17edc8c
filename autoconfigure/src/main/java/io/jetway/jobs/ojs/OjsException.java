package io.jetway.jobs.ojs;

import java.util.Locale;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * An OJS error: answered with its HTTP status and an error object in the binding's format
 * ({@code {"error": {"code", "message", "retryable", "details", "hint", "docs_url"}}}).
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

	/**
	 * @return 409 {@code duplicate}: a job with the client-provided id exists
	 */
	static OjsException duplicate(String jobId) {
		return new OjsException(HttpStatus.CONFLICT, "duplicate",
				"A job with id '" + jobId + "' exists already: PUSH the new job with another id, or without one",
				Map.of("job_id", jobId, "field", "id"));
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

	/**
	 * @return what a caller getting this error usually does about it
	 */
	String hint() {
		return switch (this.code) {
			case "not_found" -> "Check the id or name; a finished job is deleted once job retention has passed.";
			case "invalid_payload", "invalid_request" ->
				"Fix the request as the message says; sending it again unchanged fails the same way.";
			case "invalid_job_type" -> "Use a type an in-process handler has, or push to an external queue.";
			case "invalid_queue" -> "Use a queue name of lowercase letters, digits, '-' and '.', starting with a "
					+ "letter or digit, or a queue declared under jetway.jobs.queues.";
			case "duplicate" -> "It exists already: give the new one another id or name (a job may also have none, "
					+ "for a generated id).";
			case "conflict" ->
				"The job is not in a state that allows this; read it with GET /v1/jobs/{id} for its state.";
			case "metadata_too_large" -> "Keep 'meta' small; put larger data in 'args'.";
			case "unauthenticated" -> "Send a current worker token as Authorization: Bearer wkr_...";
			case "permission_denied" -> "The credentials do not allow this queue or operation.";
			default -> this.status.is5xxServerError() ? "Retry later." : "See docs/external-workers.md of Jetway.";
		};
	}

	/**
	 * @return the OJS error catalogue's page of the code
	 */
	String docsUrl() {
		return "https://openjobspec.org/errors/" + this.code.toUpperCase(Locale.ROOT);
	}

}
