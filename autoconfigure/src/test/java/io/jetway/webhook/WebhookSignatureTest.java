package io.jetway.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link WebhookSignature} and {@link WebhookSignatureVerifier}.
 */
class WebhookSignatureTest {

	private static final String SECRET = "whsec-test-0123456789abcdef";

	private static final long NOW = 1_790_000_000L;

	private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

	private static final Duration TOLERANCE = Duration.ofMinutes(5);

	private final byte[] body = "{\"id\":\"job-1\",\"status\":\"completed\"}".getBytes(StandardCharsets.UTF_8);

	@Test
	void signatureHasTimestampAndHexHmac() {
		String header = WebhookSignature.sign(SECRET, NOW, this.body);
		assertThat(header).matches("t=" + NOW + ",v1=[0-9a-f]{64}");
	}

	@Test
	void signatureMatchesAKnownVector() {
		// computed with: printf '%s' '1790000000.{}' | openssl dgst -sha256 -hmac key
		assertThat(WebhookSignature.sign("key", NOW, "{}".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo("t=1790000000,v1=099d33989336226b12c85da813adf6100e1bbab1e91bede9a41ddeb7882d66b8");
	}

	@Test
	void roundTripVerifies() {
		String header = WebhookSignature.sign(SECRET, NOW, this.body);
		assertThat(WebhookSignatureVerifier.verify(SECRET, header, this.body, TOLERANCE, CLOCK)).isTrue();
		assertThat(WebhookSignatureVerifier.verify(SECRET, header, new String(this.body, StandardCharsets.UTF_8),
				TOLERANCE, CLOCK))
			.isTrue();
	}

	@Test
	void tamperedBodyFails() {
		String header = WebhookSignature.sign(SECRET, NOW, this.body);
		byte[] tampered = "{\"id\":\"job-1\",\"status\":\"failed\"}".getBytes(StandardCharsets.UTF_8);
		assertThat(WebhookSignatureVerifier.verify(SECRET, header, tampered, TOLERANCE, CLOCK)).isFalse();
		assertThatExceptionOfType(WebhookSignatureException.class)
			.isThrownBy(() -> WebhookSignatureVerifier.check(SECRET, header, tampered, TOLERANCE, CLOCK))
			.withMessageContaining("does not match");
	}

	@Test
	void wrongSecretFails() {
		String header = WebhookSignature.sign(SECRET, NOW, this.body);
		assertThat(WebhookSignatureVerifier.verify("another-secret", header, this.body, TOLERANCE, CLOCK)).isFalse();
	}

	@Test
	void tamperedTimestampFails() {
		String header = WebhookSignature.sign(SECRET, NOW, this.body).replace("t=" + NOW, "t=" + (NOW + 1));
		assertThat(WebhookSignatureVerifier.verify(SECRET, header, this.body, TOLERANCE, CLOCK)).isFalse();
	}

	@Test
	void expiredTimestampFails() {
		long old = NOW - TOLERANCE.toSeconds() - 1;
		String header = WebhookSignature.sign(SECRET, old, this.body);
		assertThatExceptionOfType(WebhookSignatureException.class)
			.isThrownBy(() -> WebhookSignatureVerifier.check(SECRET, header, this.body, TOLERANCE, CLOCK))
			.withMessageContaining("301 s old")
			.withMessageContaining("tolerance of 300 s");
		String atLimit = WebhookSignature.sign(SECRET, NOW - TOLERANCE.toSeconds(), this.body);
		assertThat(WebhookSignatureVerifier.verify(SECRET, atLimit, this.body, TOLERANCE, CLOCK)).isTrue();
	}

	@Test
	void timestampFromTheFutureBeyondToleranceFails() {
		String header = WebhookSignature.sign(SECRET, NOW + 3600, this.body);
		assertThatExceptionOfType(WebhookSignatureException.class)
			.isThrownBy(() -> WebhookSignatureVerifier.check(SECRET, header, this.body, TOLERANCE, CLOCK))
			.withMessageContaining("in the future");
	}

	@Test
	void anyOfSeveralSignaturesAndUnknownEntriesAreAccepted() {
		String valid = WebhookSignature.sign(SECRET, NOW, this.body);
		String v1 = valid.substring(valid.indexOf(",v1=") + 4);
		String header = "t=" + NOW + ", v1=" + "0".repeat(64) + ", v1=" + v1.toUpperCase() + ", v2=future";
		assertThat(WebhookSignatureVerifier.verify(SECRET, header, this.body, TOLERANCE, CLOCK)).isTrue();
	}

	@Test
	void malformedHeadersFailWithReason() {
		assertThatExceptionOfType(WebhookSignatureException.class)
			.isThrownBy(() -> WebhookSignatureVerifier.check(SECRET, null, this.body, TOLERANCE, CLOCK))
			.withMessageContaining("no X-Jetway-Signature header");
		assertThatExceptionOfType(WebhookSignatureException.class)
			.isThrownBy(() -> WebhookSignatureVerifier.check(SECRET, "v1=abc", this.body, TOLERANCE, CLOCK))
			.withMessageContaining("no timestamp");
		assertThatExceptionOfType(WebhookSignatureException.class)
			.isThrownBy(() -> WebhookSignatureVerifier.check(SECRET, "t=" + NOW, this.body, TOLERANCE, CLOCK))
			.withMessageContaining("no v1 signature");
		assertThatExceptionOfType(WebhookSignatureException.class)
			.isThrownBy(() -> WebhookSignatureVerifier.check(SECRET, "t=-5,v1=ab", this.body, TOLERANCE, CLOCK))
			.withMessageContaining("malformed timestamp");
		assertThatExceptionOfType(WebhookSignatureException.class)
			.isThrownBy(() -> WebhookSignatureVerifier.check(SECRET, "garbage", this.body, TOLERANCE, CLOCK))
			.withMessageContaining("malformed");
		assertThat(WebhookSignatureVerifier.verify(SECRET, "", this.body, TOLERANCE, CLOCK)).isFalse();
	}

	@Test
	void emptySecretIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> WebhookSignature.sign("", NOW, this.body));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> WebhookSignatureVerifier.verify("", "t=1,v1=00", this.body, TOLERANCE, CLOCK));
	}

}
