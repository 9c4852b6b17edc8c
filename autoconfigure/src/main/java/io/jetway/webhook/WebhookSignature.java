package io.jetway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.util.Assert;

/**
 * Signs webhook bodies. The header is
 * {@code X-Jetway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>}, where the HMAC key
 * is the UTF-8 bytes of {@code jetway.jobs.webhooks.signing-secret} and the signed bytes
 * are the timestamp in decimal, a dot, and the body exactly as sent:
 * {@code "<t>.<body>"}. Binding the timestamp into the signature lets a receiver reject
 * replays of old deliveries; {@link WebhookSignatureVerifier} checks both.
 */
public final class WebhookSignature {

	/**
	 * The header that carries the signature.
	 */
	public static final String HEADER = "X-Jetway-Signature";

	/**
	 * The header that carries the delivery id, the same on every retry of one delivery,
	 * so that a receiver can drop duplicates.
	 */
	public static final String DELIVERY_ID_HEADER = "X-Jetway-Delivery-Id";

	/**
	 * The version prefix of the signature scheme.
	 */
	public static final String VERSION = "v1";

	static final String ALGORITHM = "HmacSHA256";

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private WebhookSignature() {
	}

	/**
	 * Signs a body.
	 * @param secret the signing secret, not empty
	 * @param timestamp the time of sending, in seconds since the epoch
	 * @param body the body exactly as it is sent
	 * @return the header value {@code t=<timestamp>,v1=<hex>}
	 */
	public static String sign(String secret, long timestamp, byte[] body) {
		return "t=" + timestamp + "," + VERSION + "=" + hex(hmac(secret, timestamp, body));
	}

	static byte[] hmac(String secret, long timestamp, byte[] body) {
		Assert.hasLength(secret, "The webhook signing secret must not be empty");
		Assert.notNull(body, "body must not be null");
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
			mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
			return mac.doFinal(body);
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

	static String hex(byte[] bytes) {
		char[] chars = new char[bytes.length * 2];
		for (int i = 0; i < bytes.length; i++) {
			chars[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
			chars[2 * i + 1] = HEX[bytes[i] & 0xf];
		}
		return new String(chars);
	}

}
