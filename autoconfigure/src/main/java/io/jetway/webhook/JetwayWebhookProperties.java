package io.jetway.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.jetway.support.BackoffProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * How Jetway sends job webhooks: the signing secret, the SSRF rules' development
 * overrides, timeouts and retries.
 *
 * @see WebhookAutoConfiguration
 */
@ConfigurationProperties("jetway.jobs.webhooks")
public class JetwayWebhookProperties {

	/**
	 * Secret that signs every webhook (HMAC-SHA256, header X-Jetway-Signature); receivers
	 * verify with the same secret. Required to send webhooks; use a long random value,
	 * for example 'openssl rand -hex 32'.
	 */
	private @Nullable String signingSecret;

	/**
	 * Hosts (names or IP addresses) that may be internal names and resolve to loopback,
	 * private or link-local addresses. For development and tests only; a WARN is logged
	 * at startup when set.
	 */
	private List<String> allowedHosts = new ArrayList<>();

	/**
	 * Whether every webhook host may be an internal name and resolve to loopback,
	 * private, link-local, carrier-grade NAT or unique local addresses. For development
	 * and tests only; a WARN is logged at startup when on. Cloud metadata, unspecified,
	 * multicast and reserved addresses stay blocked.
	 */
	private boolean allowPrivateNetworks;

	/**
	 * How long connecting to a webhook receiver may take.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * How long a receiver has, once connected, to complete the TLS handshake, take the
	 * request and answer with its status and headers.
	 */
	private Duration readTimeout = Duration.ofSeconds(10);

	/**
	 * Most bytes of a receiver's response body read (kept for the error text of a failed
	 * delivery); the rest is never read.
	 */
	private DataSize maxResponseSize = DataSize.ofKilobytes(8);

	/**
	 * Most delivery attempts per webhook, the first one included.
	 */
	private int maxAttempts = 10;

	private final BackoffProperties backoff = new BackoffProperties(Duration.ofSeconds(10), 2, Duration.ofHours(1), 0);

	public @Nullable String getSigningSecret() {
		return this.signingSecret;
	}

	public void setSigningSecret(@Nullable String signingSecret) {
		this.signingSecret = signingSecret;
	}

	public List<String> getAllowedHosts() {
		return this.allowedHosts;
	}

	public void setAllowedHosts(List<String> allowedHosts) {
		this.allowedHosts = allowedHosts;
	}

	public boolean isAllowPrivateNetworks() {
		return this.allowPrivateNetworks;
	}

	public void setAllowPrivateNetworks(boolean allowPrivateNetworks) {
		this.allowPrivateNetworks = allowPrivateNetworks;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getReadTimeout() {
		return this.readTimeout;
	}

	public void setReadTimeout(Duration readTimeout) {
		this.readTimeout = readTimeout;
	}

	public DataSize getMaxResponseSize() {
		return this.maxResponseSize;
	}

	public void setMaxResponseSize(DataSize maxResponseSize) {
		this.maxResponseSize = maxResponseSize;
	}

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public BackoffProperties getBackoff() {
		return this.backoff;
	}

}
