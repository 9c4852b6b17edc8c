package io.jetway.webhook;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What one delivery attempt of a webhook came to.
 *
 * @param outcome delivered, failed but worth retrying, or failed for good
 * @param statusCode the HTTP status the receiver answered with; 0 when there was no
 * answer (rejected URL, connection or TLS failure, timeout)
 * @param error what went wrong, in plain words (for the job's record); {@code null} when
 * delivered
 * @param retryAfter how long the receiver asked to wait (a {@code Retry-After} header on
 * a 429 or 503), or {@code null}
 */
public record WebhookDeliveryResult(Outcome outcome, int statusCode, @Nullable String error,
		@Nullable Duration retryAfter) {

	/**
	 * The receiver accepted the webhook (a 2xx status).
	 * @param statusCode the status
	 * @return the result
	 */
	public static WebhookDeliveryResult delivered(int statusCode) {
		return new WebhookDeliveryResult(Outcome.DELIVERED, statusCode, null, null);
	}

	/**
	 * The attempt failed in a way that may pass: a network error, a timeout, a 5xx or a
	 * 429.
	 * @param statusCode the status, 0 when none
	 * @param error what went wrong
	 * @param retryAfter the wait the receiver asked for, or {@code null}
	 * @return the result
	 */
	public static WebhookDeliveryResult retryable(int statusCode, String error, @Nullable Duration retryAfter) {
		return new WebhookDeliveryResult(Outcome.RETRYABLE_FAILURE, statusCode, error, retryAfter);
	}

	/**
	 * The attempt failed in a way a retry does not change: a rejected URL, a redirect, a
	 * 4xx other than 429, a missing signing secret.
	 * @param statusCode the status, 0 when none
	 * @param error what went wrong
	 * @return the result
	 */
	public static WebhookDeliveryResult permanentFailure(int statusCode, String error) {
		return new WebhookDeliveryResult(Outcome.PERMANENT_FAILURE, statusCode, error, null);
	}

	/**
	 * @return whether the receiver accepted the webhook
	 */
	public boolean isDelivered() {
		return this.outcome == Outcome.DELIVERED;
	}

	/**
	 * @return whether another attempt may succeed
	 */
	public boolean isRetryable() {
		return this.outcome == Outcome.RETRYABLE_FAILURE;
	}

	/**
	 * The outcome of a delivery attempt.
	 */
	public enum Outcome {

		/**
		 * The receiver answered 2xx.
		 */
		DELIVERED,

		/**
		 * Failed; a later attempt may succeed.
		 */
		RETRYABLE_FAILURE,

		/**
		 * Failed; retrying does not help.
		 */
		PERMANENT_FAILURE

	}

}
