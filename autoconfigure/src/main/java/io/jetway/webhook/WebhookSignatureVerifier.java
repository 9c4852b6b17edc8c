package io.jetway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Checks a Jetway webhook signature on the receiving side. Uses only the JDK, so a
 * receiving service needs nothing but this class's jar.
 *
 * <pre class="code">
 * byte[] body = request.getInputStream().readAllBytes(); // the raw bytes, before any JSON parsing
 * String header = request.getHeader(WebhookSignature.HEADER);
 * if (!WebhookSignatureVerifier.verify(secret, header, body, Duration.ofMinutes(5), Clock.systemUTC())) {
 *     response.setStatus(401);
 *     return;
 * }
 * </pre>
 *
 * The header is {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">}; several
 * {@code v1} entries are accepted (any one matching is enough) and unknown entries are
 * ignored, so that the scheme can grow. The comparison is constant-time, and the
 * timestamp must lie within the tolerance of the clock, in either direction, which bounds
 * replays. Receivers should still drop duplicates by the
 * {@link WebhookSignature#DELIVERY_ID_HEADER delivery id}.
 */
public final class WebhookSignatureVerifier {

	private WebhookSignatureVerifier() {
	}

	/**
	 * Whether a signature is valid.
	 * @param secret the shared signing secret
	 * @param headerValue the {@code X-Jetway-Signature} header value, {@code null} when
	 * the request had none
	 * @param body the raw request body
	 * @param tolerance how far the signed timestamp may be from the clock
	 * @param clock the clock
	 * @return {@code true} when the signature matches and is recent enough
	 */
	public static boolean verify(String secret, @Nullable String headerValue, byte[] body, Duration tolerance,
			Clock clock) {
		try {
			check(secret, headerValue, body, tolerance, clock);
			return true;
		}
		catch (WebhookSignatureException ex) {
			return false;
		}
	}

	/**
	 * Whether a signature is valid, for a body given as text.
	 * @param secret the shared signing secret
	 * @param headerValue the header value, or {@code null}
	 * @param body the request body, encoded as UTF-8 to check it
	 * @param tolerance how far the signed timestamp may be from the clock
	 * @param clock the clock
	 * @return {@code true} when the signature matches and is recent enough
	 */
	public static boolean verify(String secret, @Nullable String headerValue, String body, Duration tolerance,
			Clock clock) {
		return verify(secret, headerValue, body.getBytes(StandardCharsets.UTF_8), tolerance, clock);
	}

	/**
	 * Checks a signature and says what is wrong with it.
	 * @param secret the shared signing secret
	 * @param headerValue the header value, or {@code null}
	 * @param body the raw request body
	 * @param tolerance how far the signed timestamp may be from the clock
	 * @param clock the clock
	 * @throws WebhookSignatureException when the header is missing or malformed, the
	 * timestamp is outside the tolerance, or no signature matches
	 */
	public static void check(String secret, @Nullable String headerValue, byte[] body, Duration tolerance,
			Clock clock) {
		if (secret == null || secret.isEmpty()) {
			throw new IllegalArgumentException("The webhook signing secret must not be empty");
		}
		if (headerValue == null || headerValue.isBlank()) {
			throw new WebhookSignatureException("no " + WebhookSignature.HEADER + " header");
		}
		Long timestamp = null;
		List<String> signatures = new ArrayList<>();
		for (String element : headerValue.split(",")) {
			int equals = element.indexOf('=');
			if (equals <= 0) {
				throw new WebhookSignatureException("malformed signature header");
			}
			String key = element.substring(0, equals).trim();
			String value = element.substring(equals + 1).trim();
			if (key.equals("t")) {
				if (timestamp != null || value.isEmpty() || value.length() > 18
						|| !value.chars().allMatch((c) -> c >= '0' && c <= '9')) {
					throw new WebhookSignatureException("malformed timestamp in signature header");
				}
				timestamp = Long.parseLong(value);
			}
			else if (key.equals(WebhookSignature.VERSION)) {
				signatures.add(value.toLowerCase(Locale.ROOT));
			}
		}
		if (timestamp == null) {
			throw new WebhookSignatureException("no timestamp (t=) in signature header");
		}
		if (signatures.isEmpty()) {
			throw new WebhookSignatureException("no " + WebhookSignature.VERSION + " signature in signature header");
		}
		long age = clock.instant().getEpochSecond() - timestamp;
		if (Math.abs(age) > tolerance.toSeconds()) {
			throw new WebhookSignatureException(
					"timestamp " + timestamp + " is " + Math.abs(age) + " s " + ((age > 0) ? "old" : "in the future")
							+ ", outside the tolerance of " + tolerance.toSeconds() + " s");
		}
		byte[] expected = WebhookSignature.hex(WebhookSignature.hmac(secret, timestamp, body))
			.getBytes(StandardCharsets.US_ASCII);
		boolean matched = false;
		for (String signature : signatures) {
			// constant-time; evaluate every candidate
			matched |= MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
		}
		if (!matched) {
			throw new WebhookSignatureException("signature does not match the body");
		}
	}

}
