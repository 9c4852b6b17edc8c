package io.jetway.jobs.ojs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The delays and error matching of an OJS retry policy, as the retry specification
 * defines them.
 */
class OjsRetryPolicyTests {

	private static OjsRetryPolicy parse(Map<String, Object> retry) {
		OjsRetryPolicy policy = OjsRetryPolicy.parse(OjsTestApplication.json.valueToTree(retry), "");
		assertThat(policy).isNotNull();
		return policy;
	}

	@Test
	void eachStrategyGrowsItsDelaysAsSpecifiedAndTheCapApplies() {
		Random random = new Random(1);
		OjsRetryPolicy exponential = parse(Map.of("initial_interval", "PT1S", "max_interval", "PT5S", "jitter", false));
		assertThat(List.of(1, 2, 3, 4).stream().map((attempt) -> exponential.delayAfter(attempt, random).toMillis()))
			.containsExactly(1000L, 2000L, 4000L, 5000L);
		OjsRetryPolicy linear = parse(
				Map.of("initial_interval", "PT0.5S", "backoff_strategy", "linear", "jitter", false));
		assertThat(linear.delayAfter(3, random)).isEqualTo(Duration.ofMillis(1500));
		OjsRetryPolicy constant = parse(Map.of("initial_interval", "PT1S", "backoff_coefficient", 3.0,
				"backoff_strategy", "constant", "jitter", false));
		assertThat(constant.delayAfter(5, random)).isEqualTo(Duration.ofSeconds(1));
		OjsRetryPolicy polynomial = parse(Map.of("initial_interval", "PT1S", "backoff_coefficient", 2.0,
				"backoff_strategy", "polynomial", "jitter", false));
		assertThat(polynomial.delayAfter(3, random)).isEqualTo(Duration.ofSeconds(9));
	}

	@Test
	void jitterKeepsADelayWithinHalfAndOneAndAHalfOfItAndUnderTheCap() {
		Random random = new Random(7);
		OjsRetryPolicy jittered = parse(Map.of("initial_interval", "PT2S", "backoff_coefficient", 1.0));
		assertThat(jittered.jitter()).isTrue();
		for (int i = 0; i < 500; i++) {
			assertThat(jittered.delayAfter(3, random).toMillis()).isBetween(1000L, 3000L);
		}
		OjsRetryPolicy capped = parse(Map.of("initial_interval", "PT2S", "max_interval", "PT2S"));
		for (int i = 0; i < 500; i++) {
			assertThat(capped.delayAfter(1, random).toMillis()).isBetween(1000L, 2000L);
		}
	}

	@Test
	void defaultsFillWhatAPolicyLeavesOutAndMaxAttemptsAloneIsNoPolicy() {
		OjsRetryPolicy defaults = parse(Map.of("on_exhaustion", "dead_letter"));
		assertThat(defaults).isEqualTo(new OjsRetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), true,
				"exponential", List.of(), true));
		assertThat(OjsRetryPolicy.parse(OjsTestApplication.json.valueToTree(Map.of("max_attempts", 3)), "")).isNull();
		assertThat(OjsRetryPolicy.parse(OjsTestApplication.json.valueToTree(defaults.toMap()), "")).isEqualTo(defaults);
	}

	@Test
	void nonRetryableErrorsMatchExactlyOrUnderADottedPrefix() {
		OjsRetryPolicy policy = parse(Map.of("non_retryable_errors", List.of("validation.payload_invalid", "auth.*")));
		assertThat(policy.isNonRetryable("validation.payload_invalid")).isTrue();
		assertThat(policy.isNonRetryable("validation.schema_error")).isFalse();
		assertThat(policy.isNonRetryable("auth.token_expired")).isTrue();
		assertThat(policy.isNonRetryable("auth")).isFalse();
		assertThat(policy.isNonRetryable("external.auth.failure")).isFalse();
		assertThat(policy.isNonRetryable(null)).isFalse();
	}

	@Test
	void anInvalidPolicyIsRefusedNamingItsField() {
		assertThatExceptionOfType(OjsException.class).isThrownBy(() -> parse(Map.of("backoff_coefficient", 0.5)))
			.withMessageContaining("backoff_coefficient")
			.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(422));
		assertThatExceptionOfType(OjsException.class).isThrownBy(
				() -> OjsRetryPolicy.maxAttempts(OjsTestApplication.json.valueToTree(Map.of("max_attempts", -1)), ""))
			.withMessageContaining("max_attempts");
		assertThatExceptionOfType(OjsException.class).isThrownBy(() -> parse(Map.of("initial_interval", "PT0S")))
			.withMessageContaining("initial_interval");
	}

	@Test
	void anIntervalAboveTheLimitOrBelowAMillisecondIsRefusedWith422() {
		for (String interval : List.of("PT9999999999999999S", "P3000000D", "P366D")) {
			assertThatExceptionOfType(OjsException.class)
				.isThrownBy(() -> parse(Map.of("initial_interval", "PT1S", "max_interval", interval)))
				.withMessageContaining("max_interval")
				.withMessageContaining("P365D")
				.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(422));
			assertThatExceptionOfType(OjsException.class).isThrownBy(() -> parse(Map.of("initial_interval", interval)))
				.withMessageContaining("initial_interval")
				.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(422));
		}
		assertThatExceptionOfType(OjsException.class).isThrownBy(() -> parse(Map.of("initial_interval", "PT0.0001S")))
			.withMessageContaining("initial_interval")
			.withMessageContaining("1 millisecond");
		// the longest allowed interval, exponential over many attempts: capped, no
		// overflow
		OjsRetryPolicy longest = parse(Map.of("initial_interval", "P365D", "max_interval", "P365D", "jitter", false));
		assertThat(longest.delayAfter(1_000, new Random())).isEqualTo(Duration.ofDays(365));
	}

	@Test
	void anInitialIntervalAboveTheDefaultMaxIntervalRaisesTheMaxInterval() {
		OjsRetryPolicy policy = parse(Map.of("initial_interval", "PT10M", "jitter", false));
		assertThat(policy.maxInterval()).isEqualTo(Duration.ofMinutes(10));
		assertThat(policy.delayAfter(3, new Random())).isEqualTo(Duration.ofMinutes(10));
		assertThat(parse(Map.of("initial_interval", "PT1S")).maxInterval()).isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void tooManyOrTooLongNonRetryableErrorsAreRefused() {
		List<String> many = java.util.stream.IntStream.range(0, 101).mapToObj((i) -> "error." + i).toList();
		assertThatExceptionOfType(OjsException.class).isThrownBy(() -> parse(Map.of("non_retryable_errors", many)))
			.withMessageContaining("non_retryable_errors")
			.withMessageContaining("at most 100");
		assertThatExceptionOfType(OjsException.class)
			.isThrownBy(() -> parse(Map.of("non_retryable_errors", List.of("x".repeat(256)))))
			.withMessageContaining("255");
		assertThat(parse(Map.of("non_retryable_errors", many.subList(0, 100))).nonRetryableErrors()).hasSize(100);
	}

}
