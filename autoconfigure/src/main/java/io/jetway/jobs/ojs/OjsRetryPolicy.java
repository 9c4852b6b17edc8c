package io.jetway.jobs.ojs;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;

/**
 * A job's OJS retry policy ({@code options.retry} at PUSH, the OJS retry specification):
 * the delay before each retry and which errors are not retried. Fields the producer
 * leaves out take the specification's defaults.
 *
 * @param initialInterval the delay before the first retry
 * @param coefficient the backoff coefficient, 1 or more
 * @param maxInterval the cap of every delay, before and after jitter
 * @param jitter whether a delay is multiplied by a random factor in [0.5, 1.5)
 * @param strategy {@code exponential} (the default), {@code linear}, {@code constant} or
 * {@code polynomial}
 * @param nonRetryableErrors error types that end the job at once; an entry ending in
 * {@code .*} matches every type that starts with what precedes the {@code *}
 * @param deadLetter whether an exhausted job goes to the dead letters
 * ({@code on_exhaustion: dead_letter}) rather than being discarded
 */
record OjsRetryPolicy(Duration initialInterval, double coefficient, Duration maxInterval, boolean jitter,
		String strategy, List<String> nonRetryableErrors, boolean deadLetter) {

	private static final List<String> STRATEGIES = List.of("exponential", "linear", "constant", "polynomial");

	/**
	 * The longest interval a policy may name: longer ones overflow the arithmetic of
	 * delays and the databases' date ranges.
	 */
	static final Duration MAX_INTERVAL = Duration.ofDays(365);

	/** The most {@code non_retryable_errors} a policy may name. */
	static final int MAX_NON_RETRYABLE_ERRORS = 100;

	/** The longest entry of {@code non_retryable_errors}, in characters. */
	static final int MAX_ERROR_TYPE_LENGTH = 255;

	private static final Duration DEFAULT_MAX_INTERVAL = Duration.ofMinutes(5);

	/** The fields that make a policy; {@code max_attempts} alone is none. */
	private static final List<String> FIELDS = List.of("initial_interval", "backoff_coefficient", "max_interval",
			"jitter", "backoff_strategy", "non_retryable_errors", "on_exhaustion");

	/**
	 * @param retry the {@code retry} object of a PUSH's options (or of a stored policy)
	 * @param context the prefix of error messages (a batch job's index)
	 * @return the policy, or {@code null} when the object names nothing but
	 * {@code max_attempts} (the queue's backoff applies)
	 * @throws OjsException 422 {@code validation_error} naming the invalid field
	 */
	static @Nullable OjsRetryPolicy parse(JsonNode retry, String context) {
		if (FIELDS.stream().noneMatch(retry::has)) {
			return null;
		}
		Duration initial = duration(retry, "initial_interval", Duration.ofSeconds(1), context);
		if (initial.compareTo(Duration.ofMillis(1)) < 0) {
			throw invalid(context, "initial_interval", "must be at least 1 millisecond (PT0.001S), was '"
					+ retry.path("initial_interval").asString() + "'");
		}
		JsonNode coefficient = retry.path("backoff_coefficient");
		if (!coefficient.isMissingNode() && (!coefficient.isNumber() || coefficient.doubleValue() < 1.0
				|| !Double.isFinite(coefficient.doubleValue()))) {
			throw invalid(context, "backoff_coefficient",
					"must be a number of 1.0 or more (a smaller one would shorten the delays), was " + coefficient);
		}
		// without max_interval, the default cap (PT5M) rises to a longer initial_interval
		Duration max = duration(retry, "max_interval",
				(initial.compareTo(DEFAULT_MAX_INTERVAL) > 0) ? initial : DEFAULT_MAX_INTERVAL, context);
		if (max.compareTo(initial) < 0) {
			throw invalid(context, "max_interval", "must not be shorter than initial_interval, was "
					+ retry.path("max_interval").asString() + " (initial_interval " + initial + ")");
		}
		JsonNode jitter = retry.path("jitter");
		if (!jitter.isMissingNode() && !jitter.isBoolean()) {
			throw invalid(context, "jitter", "must be true or false, was " + jitter);
		}
		JsonNode strategy = retry.path("backoff_strategy");
		String strategyName = strategy.isMissingNode() ? "exponential" : strategy.asString("");
		if (!STRATEGIES.contains(strategyName)) {
			throw invalid(context, "backoff_strategy", "must be one of " + STRATEGIES + ", was " + strategy);
		}
		List<String> nonRetryable = new ArrayList<>();
		JsonNode errors = retry.path("non_retryable_errors");
		if (!errors.isMissingNode()) {
			if (!errors.isArray() || errors.size() > MAX_NON_RETRYABLE_ERRORS) {
				throw invalid(context, "non_retryable_errors",
						"must be an array of at most " + MAX_NON_RETRYABLE_ERRORS + " error types, was "
								+ (errors.isArray() ? "an array of " + errors.size() : errors.toString()));
			}
			for (JsonNode error : errors) {
				if (!error.isString() || error.asString().isEmpty()
						|| error.asString().length() > MAX_ERROR_TYPE_LENGTH) {
					throw invalid(context, "non_retryable_errors",
							"must hold error types (non-empty strings of at most " + MAX_ERROR_TYPE_LENGTH
									+ " characters), held " + abbreviated(error.toString()));
				}
				nonRetryable.add(error.asString());
			}
		}
		JsonNode exhaustion = retry.path("on_exhaustion");
		String onExhaustion = exhaustion.isMissingNode() ? "discard" : exhaustion.asString("");
		if (!onExhaustion.equals("discard") && !onExhaustion.equals("dead_letter")) {
			throw invalid(context, "on_exhaustion", "must be 'discard' or 'dead_letter', was " + exhaustion);
		}
		return new OjsRetryPolicy(initial, coefficient.isMissingNode() ? 2.0 : coefficient.doubleValue(), max,
				jitter.booleanValue(true), strategyName, List.copyOf(nonRetryable), onExhaustion.equals("dead_letter"));
	}

	/**
	 * Checks {@code retry.max_attempts}: a non-negative integer; 0 and 1 both mean one
	 * attempt without retry.
	 * @return the attempts, at least 1, or {@code null} when not given
	 */
	static @Nullable Integer maxAttempts(JsonNode retry, String context) {
		JsonNode maxAttempts = retry.path("max_attempts");
		if (maxAttempts.isMissingNode()) {
			return null;
		}
		if (!maxAttempts.isIntegralNumber() || !maxAttempts.canConvertToInt() || maxAttempts.intValue() < 0) {
			throw invalid(context, "max_attempts",
					"must be an integer of 0 or more (0 and 1: no retry), was " + maxAttempts);
		}
		return Math.max(1, maxAttempts.intValue());
	}

	/**
	 * @param failedAttempt the attempt that failed, from 1
	 * @return the delay before the next attempt: the strategy's, capped at
	 * {@link #maxInterval}, jittered, capped again
	 */
	Duration delayAfter(int failedAttempt, RandomGenerator random) {
		double initial = this.initialInterval.toMillis();
		double raw = switch (this.strategy) {
			case "constant" -> initial;
			case "linear" -> initial * failedAttempt;
			case "polynomial" -> initial * Math.pow(failedAttempt, this.coefficient);
			default -> initial * Math.pow(this.coefficient, failedAttempt - 1);
		};
		double max = this.maxInterval.toMillis();
		double capped = Math.min(raw, max);
		double jittered = this.jitter ? capped * random.nextDouble(0.5, 1.5) : capped;
		return Duration.ofMillis(Math.round(Math.min(jittered, max)));
	}

	/**
	 * @param errorType the failed attempt's error type, or {@code null} without one
	 * @return whether the policy names that type (exactly, or by a {@code prefix.*}
	 * entry)
	 */
	boolean isNonRetryable(@Nullable String errorType) {
		if (errorType == null) {
			return false;
		}
		for (String entry : this.nonRetryableErrors) {
			if (entry.endsWith(".*") ? errorType.startsWith(entry.substring(0, entry.length() - 1))
					: entry.equals(errorType)) {
				return true;
			}
		}
		return false;
	}

	/** As stored with the job ({@code jetway_jobs.ojs_policy}). */
	Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("initial_interval", this.initialInterval.toString());
		map.put("backoff_coefficient", this.coefficient);
		map.put("max_interval", this.maxInterval.toString());
		map.put("jitter", this.jitter);
		map.put("backoff_strategy", this.strategy);
		map.put("non_retryable_errors", this.nonRetryableErrors);
		map.put("on_exhaustion", this.deadLetter ? "dead_letter" : "discard");
		return map;
	}

	private static Duration duration(JsonNode retry, String field, Duration defaultValue, String context) {
		JsonNode value = retry.path(field);
		if (value.isMissingNode()) {
			return defaultValue;
		}
		try {
			Duration duration = Duration.parse(value.asString(""));
			if (duration.isNegative()) {
				throw invalid(context, field, "must not be negative, was " + value);
			}
			if (duration.compareTo(MAX_INTERVAL) > 0) {
				throw invalid(context, field, "must be at most P" + MAX_INTERVAL.toDays() + "D, was " + value);
			}
			return duration;
		}
		catch (DateTimeParseException ex) {
			throw invalid(context, field, "must be an ISO 8601 duration such as PT1S, PT0.5S or PT5M, was " + value);
		}
	}

	private static String abbreviated(String text) {
		return (text.length() > 60) ? text.substring(0, 60) + "..." : text;
	}

	private static OjsException invalid(String context, String field, String problem) {
		return new OjsException(HttpStatus.UNPROCESSABLE_CONTENT, "validation_error",
				context + "options.retry." + field + " " + problem, Map.of("field", "retry." + field));
	}

}
