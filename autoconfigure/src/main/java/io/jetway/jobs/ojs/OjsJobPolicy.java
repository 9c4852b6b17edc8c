package io.jetway.jobs.ojs;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;

/**
 * What a PUSH's options say about how a job's attempts run, stored with the job
 * ({@code jetway_jobs.ojs_policy}, JSON): its retry policy, its execution timeout and its
 * visibility timeout.
 *
 * @param retry the retry policy, or {@code null} for the queue's backoff
 * @param timeout the longest an attempt may run ({@code timeout_ms}): its lease ends
 * then, heartbeats or not
 * @param visibility the lease of a FETCH or heartbeat that names none
 * ({@code visibility_timeout_ms}), instead of {@code jetway.jobs.ojs.visibility-timeout}
 * @param testDirective the heartbeat state a conformance case asks for
 * ({@code options.metadata.test_directive}), kept only with
 * {@code jetway.jobs.ojs.conformance-test-directives-enabled=true}
 */
record OjsJobPolicy(@Nullable OjsRetryPolicy retry, @Nullable Duration timeout, @Nullable Duration visibility,
		@Nullable String testDirective) {

	static final OjsJobPolicy NONE = new OjsJobPolicy(null, null, null, null);

	boolean isEmpty() {
		return equals(NONE);
	}

	/**
	 * @param options a PUSH's {@code options} (or a stored policy)
	 * @param context the prefix of error messages (a batch job's index)
	 * @param maxVisibility {@code jetway.jobs.ojs.max-visibility-timeout}
	 * @param testDirectives whether to keep {@code options.metadata.test_directive}
	 * @throws OjsException 422 {@code validation_error} naming the invalid field
	 */
	static OjsJobPolicy parse(JsonNode options, String context, Duration maxVisibility, boolean testDirectives) {
		JsonNode retry = options.path("retry");
		OjsRetryPolicy retryPolicy = retry.isObject() ? OjsRetryPolicy.parse(retry, context) : null;
		Duration timeout = millis(options, "timeout_ms", null, context);
		Duration visibility = millis(options, "visibility_timeout_ms", maxVisibility, context);
		JsonNode directive = options.path("metadata").path("test_directive");
		String testDirective = (testDirectives && directive.isString()
				&& OjsWorkerStates.STATES.contains(directive.asString())) ? directive.asString() : null;
		return new OjsJobPolicy(retryPolicy, timeout, visibility, testDirective);
	}

	/** As stored: the same fields as a PUSH's options. */
	Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		if (this.retry != null) {
			map.put("retry", this.retry.toMap());
		}
		if (this.timeout != null) {
			map.put("timeout_ms", this.timeout.toMillis());
		}
		if (this.visibility != null) {
			map.put("visibility_timeout_ms", this.visibility.toMillis());
		}
		if (this.testDirective != null) {
			map.put("metadata", Map.of("test_directive", this.testDirective));
		}
		return map;
	}

	/**
	 * @param requested the visibility timeout a call names, or {@code null}
	 * @param defaultVisibility {@code jetway.jobs.ojs.visibility-timeout}
	 * @return how long a lease of the job runs: the call's, else the job's own, else the
	 * default
	 */
	Duration visibility(@Nullable Duration requested, Duration defaultVisibility) {
		return (requested != null) ? requested : (this.visibility != null) ? this.visibility : defaultVisibility;
	}

	/**
	 * @return the lease's deadline: {@code until}, or sooner when the attempt's timeout
	 * ends before
	 */
	Instant capped(Instant until, @Nullable Instant startedAt) {
		if (this.timeout == null || startedAt == null) {
			return until;
		}
		Instant deadline = startedAt.plus(this.timeout);
		return deadline.isBefore(until) ? deadline : until;
	}

	private static @Nullable Duration millis(JsonNode options, String field, @Nullable Duration max, String context) {
		JsonNode value = options.path(field);
		if (value.isMissingNode() || value.isNull()) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1
				|| (max != null && value.longValue() > max.toMillis())) {
			throw new OjsException(HttpStatus.UNPROCESSABLE_CONTENT, "validation_error",
					context + "options." + field + " must be a positive integer of milliseconds" + ((max != null)
							? " of at most " + max.toMillis() + " (jetway.jobs.ojs.max-visibility-timeout)" : "")
							+ ", was " + value,
					Map.of("field", field));
		}
		return Duration.ofMillis(value.longValue());
	}

}
