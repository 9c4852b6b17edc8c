package io.jetway.webhook;

/**
 * A webhook signature failed {@link WebhookSignatureVerifier#check verification}; the
 * message says why (missing, malformed, too old, or not matching).
 */
public class WebhookSignatureException extends RuntimeException {

	public WebhookSignatureException(String message) {
		super(message);
	}

}
