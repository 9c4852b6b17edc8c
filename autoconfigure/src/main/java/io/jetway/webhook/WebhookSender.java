package io.jetway.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Sends webhooks. The jobs system calls {@link #validate(String)} when a job with a
 * webhook URL is enqueued (so that a bad URL fails the enqueue) and
 * {@link #send(String, byte[], String)} for every delivery attempt; it keeps the delivery
 * durable, counts attempts and asks {@link WebhookBackoff} when to try again.
 * <p>
 * One call is one attempt: a sender never retries on its own and never throws for a
 * failed delivery; the {@link WebhookDeliveryResult} says what happened.
 */
public interface WebhookSender {

	/**
	 * Checks that a URL may receive webhooks and that the sender can sign them; for use
	 * at enqueue.
	 * @param url the webhook URL
	 * @return the validated target
	 * @throws WebhookUrlRejectedException when the URL breaks a rule
	 * @throws IllegalStateException when webhooks cannot be sent at all (no signing
	 * secret configured)
	 */
	ValidatedWebhookTarget validate(String url);

	/**
	 * Makes one delivery attempt: validates the URL again (DNS may have changed), signs
	 * the body and POSTs it as {@code application/json}.
	 * @param url the webhook URL
	 * @param body the JSON body, exactly as it is sent and signed
	 * @param deliveryId an id that stays the same on every attempt of one delivery, sent
	 * as {@value WebhookSignature#DELIVERY_ID_HEADER} for the receiver to drop duplicates
	 * @return what the attempt came to
	 */
	WebhookDeliveryResult send(String url, byte[] body, String deliveryId);

	/**
	 * Makes one delivery attempt with extra request headers: the W3C {@code traceparent}
	 * of the job's trace, for one. This default ignores them; a sender that can send them
	 * overrides it.
	 * @param url the webhook URL
	 * @param body the JSON body, exactly as it is sent and signed
	 * @param deliveryId the delivery id
	 * @param headers extra headers, names and values in visible ASCII
	 * @return what the attempt came to
	 * @see #send(String, byte[], String)
	 */
	default WebhookDeliveryResult send(String url, byte[] body, String deliveryId, Map<String, String> headers) {
		return send(url, body, deliveryId);
	}

	/**
	 * Makes one delivery attempt with a body given as text.
	 * @param url the webhook URL
	 * @param body the JSON body, sent as UTF-8
	 * @param deliveryId the delivery id
	 * @return what the attempt came to
	 * @see #send(String, byte[], String)
	 */
	default WebhookDeliveryResult send(String url, String body, String deliveryId) {
		return send(url, body.getBytes(StandardCharsets.UTF_8), deliveryId);
	}

}
