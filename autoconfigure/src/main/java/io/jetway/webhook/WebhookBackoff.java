package io.jetway.webhook;

import java.time.Duration;
import java.util.Optional;

import io.jetway.support.Backoff;

import org.springframework.util.Assert;

/**
 * When to attempt a webhook delivery again: bounded exponential backoff as a pure
 * function of the number of attempts made. The delay after the n-th failed attempt is
 * {@code initial * multiplier^(n-1)}, capped at {@code max}; a receiver's
 * {@code Retry-After} lengthens it (never beyond {@code max}). There is no retry after
 * {@code maxAttempts} attempts, nor after a failure that is not retryable.
 * <p>
 * With the defaults (10 s, x2, at most 1 h, 10 attempts) the attempts spread over about 1
 * h 25 min.
 */
public final class WebhookBackoff {

	private final Backoff backoff;

	private final Duration max;

	private final int maxAttempts;

	/**
	 * Creates a backoff.
	 * @param initial the delay after the first failed attempt
	 * @param multiplier the factor each further delay grows by, at least 1
	 * @param max the longest delay
	 * @param maxAttempts the most attempts in all, the first one included; at least 1
	 */
	public WebhookBackoff(Duration initial, double multiplier, Duration max, int maxAttempts) {
		this(new Backoff(initial, multiplier, max, 0), maxAttempts);
	}

	/**
	 * Creates a backoff.
	 * @param backoff the delays between attempts
	 * @param maxAttempts the most attempts in all, the first one included; at least 1
	 */
	public WebhookBackoff(Backoff backoff, int maxAttempts) {
		Assert.isTrue(maxAttempts >= 1, "maxAttempts must be at least 1");
		this.backoff = backoff;
		this.max = backoff.max();
		this.maxAttempts = maxAttempts;
	}

	/**
	 * Creates the backoff the properties describe.
	 * @param properties the webhook properties
	 * @return the backoff
	 */
	public static WebhookBackoff of(JetwayWebhookProperties properties) {
		return new WebhookBackoff(properties.getBackoff().toBackoff("jetway.jobs.webhooks.backoff"),
				properties.getMaxAttempts());
	}

	/**
	 * The delay after a failed attempt, ignoring the attempt limit.
	 * @param attempt the number of the attempt that failed, from 1
	 * @return the delay before the next attempt
	 */
	public Duration delayAfter(int attempt) {
		Assert.isTrue(attempt >= 1, "attempt must be at least 1");
		return this.backoff.delayAfter(attempt);
	}

	/**
	 * The delay before the next attempt, or none when the delivery should stop.
	 * @param attemptsMade how many attempts were made, the failed one included
	 * @param result the result of the last attempt
	 * @return the delay, or empty when the webhook was delivered, the failure is not
	 * retryable, or the attempts are used up
	 */
	public Optional<Duration> nextDelay(int attemptsMade, WebhookDeliveryResult result) {
		if (!result.isRetryable() || attemptsMade >= this.maxAttempts) {
			return Optional.empty();
		}
		Duration delay = delayAfter(attemptsMade);
		Duration retryAfter = result.retryAfter();
		if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
			delay = (retryAfter.compareTo(this.max) > 0) ? this.max : retryAfter;
		}
		return Optional.of(delay);
	}

	/**
	 * @return the most attempts in all
	 */
	public int getMaxAttempts() {
		return this.maxAttempts;
	}

}
