/**
 * Outbound webhooks: SSRF-safe URL validation ({@link io.jetway.webhook.UrlGuard}), HMAC
 * signatures ({@link io.jetway.webhook.WebhookSignature},
 * {@link io.jetway.webhook.WebhookSignatureVerifier}) and a sender that connects only to
 * the address it validated ({@link io.jetway.webhook.WebhookSender}).
 */
@NullMarked
package io.jetway.webhook;

import org.jspecify.annotations.NullMarked;
