package io.jetway.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with an upper bound and optional jitter: the delay before attempt
 * {@code n + 1} after {@code n} failed attempts is {@code initial * multiplier^(n-1)},
 * capped at {@code max}, then spread by {@code ±jitter} (a fraction, 0 for none). The one
 * backoff computation every Jetway capability uses.
 *
 * @param initial the delay after the first failure
 * @param multiplier the growth factor per further failure, at least 1
 * @param max the longest delay
 * @param jitter the random spread as a fraction of the delay, from 0 to 1
 */
public record Backoff(Duration initial, double multiplier, Duration max, double jitter) {

	public Backoff {
		if (initial.isNegative()) {
			throw new IllegalArgumentException("Backoff initial delay must not be negative, was " + initial);
		}
		if (multiplier < 1) {
			throw new IllegalArgumentException("Backoff multiplier must be at least 1, was " + multiplier);
		}
		if (max.compareTo(initial) < 0) {
			throw new IllegalArgumentException("Backoff max (" + max + ") must not be below initial (" + initial + ")");
		}
		if (jitter < 0 || jitter > 1) {
			throw new IllegalArgumentException("Backoff jitter must be between 0 and 1, was " + jitter);
		}
	}

	public static Backoff fixed(Duration delay) {
		return new Backoff(delay, 1, delay, 0);
	}

	/**
	 * @param failedAttempts how many attempts have failed so far, at least 1
	 * @return how long to wait before the next attempt
	 */
	public Duration delayAfter(int failedAttempts) {
		double millis = this.initial.toMillis() * Math.pow(this.multiplier, Math.max(0, failedAttempts - 1));
		double capped = Math.min(millis, this.max.toMillis());
		if (this.jitter > 0) {
			capped = capped * (1 + ThreadLocalRandom.current().nextDouble(-this.jitter, this.jitter));
		}
		return Duration.ofMillis(Math.max(0, Math.round(Math.min(capped, this.max.toMillis()))));
	}

}
