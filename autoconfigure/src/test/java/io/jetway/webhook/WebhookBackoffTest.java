package io.jetway.webhook;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link WebhookBackoff}.
 */
class WebhookBackoffTest {

	private final WebhookBackoff backoff = new WebhookBackoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5), 6);

	private final WebhookDeliveryResult serverError = WebhookDeliveryResult.retryable(500, "boom", null);

	@Test
	void delayGrowsExponentiallyUpToTheMaximum() {
		assertThat(this.backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(10));
		assertThat(this.backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(20));
		assertThat(this.backoff.delayAfter(3)).isEqualTo(Duration.ofSeconds(40));
		assertThat(this.backoff.delayAfter(5)).isEqualTo(Duration.ofSeconds(160));
		assertThat(this.backoff.delayAfter(6)).isEqualTo(Duration.ofMinutes(5));
		assertThat(this.backoff.delayAfter(10_000)).isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void retriesOnlyRetryableFailuresWithinTheAttemptLimit() {
		assertThat(this.backoff.nextDelay(1, this.serverError)).contains(Duration.ofSeconds(10));
		assertThat(this.backoff.nextDelay(5, this.serverError)).contains(Duration.ofSeconds(160));
		assertThat(this.backoff.nextDelay(6, this.serverError)).isEmpty();
		assertThat(this.backoff.nextDelay(1, WebhookDeliveryResult.permanentFailure(302, "redirect"))).isEmpty();
		assertThat(this.backoff.nextDelay(1, WebhookDeliveryResult.delivered(200))).isEmpty();
	}

	@Test
	void retryAfterLengthensTheDelayButNotBeyondTheMaximum() {
		assertThat(this.backoff.nextDelay(1, WebhookDeliveryResult.retryable(429, "slow down", Duration.ofSeconds(90))))
			.contains(Duration.ofSeconds(90));
		assertThat(this.backoff.nextDelay(3, WebhookDeliveryResult.retryable(429, "slow down", Duration.ofSeconds(1))))
			.contains(Duration.ofSeconds(40));
		assertThat(this.backoff.nextDelay(1, WebhookDeliveryResult.retryable(503, "down", Duration.ofDays(2))))
			.contains(Duration.ofMinutes(5));
	}

	@Test
	void defaultsComeFromProperties() {
		WebhookBackoff defaults = WebhookBackoff.of(new JetwayWebhookProperties());
		assertThat(defaults.getMaxAttempts()).isEqualTo(10);
		assertThat(defaults.delayAfter(1)).isEqualTo(Duration.ofSeconds(10));
		assertThat(defaults.delayAfter(9)).isEqualTo(Duration.ofSeconds(2560));
		assertThat(defaults.delayAfter(10)).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void invalidSettingsAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new WebhookBackoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(5), 3));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new WebhookBackoff(Duration.ofSeconds(10), 2, Duration.ofSeconds(5), 3));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new WebhookBackoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(5), 0));
		assertThatIllegalArgumentException().isThrownBy(() -> this.backoff.delayAfter(0));
	}

}
