package io.jetway.sample.api;

import java.net.URI;

import io.jetway.jobs.JobWebhookUrlValidator;
import io.jetway.webhook.WebhookUrlRejectedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Checks a caller's webhook URL with Jetway's {@link JobWebhookUrlValidator} (the SSRF
 * rules). A refusal that depends on what DNS answered (the internal address a host
 * resolves to, or the resolver's error) is answered with one generic reason and logged
 * with the host only: the caller learns that the URL is refused, not what our resolver
 * sees.
 */
@Component
public class WebhookUrls {

	/**
	 * The one answer to every refusal that depends on what DNS answered: telling "could
	 * not be resolved" from "resolves to a non-public address" would reveal split-horizon
	 * DNS.
	 */
	public static final String REFUSED_BY_DNS = "webhook_url refused: its host does not resolve to public addresses "
			+ "only; use a host with a public DNS name that resolves to public addresses";

	private static final Log logger = LogFactory.getLog(WebhookUrls.class);

	private final JobWebhookUrlValidator validator;

	public WebhookUrls(JobWebhookUrlValidator validator) {
		this.validator = validator;
	}

	/**
	 * @param field the request field the URL came in
	 * @param url the URL
	 * @throws ApiException (400) when the URL is refused
	 */
	public void check(String field, String url) {
		try {
			this.validator.validate(url);
		}
		catch (WebhookUrlRejectedException ex) {
			if (ex.isResolutionFailure() || ex.isResolvedAddressRejection()) {
				// the host only: a URL's path and query may carry secrets
				logger.warn("Refused " + field + " with host '" + host(url) + "': " + ex.getMessage());
				throw ApiException.badRequest(field, REFUSED_BY_DNS);
			}
			throw refused(field, ex);
		}
		catch (IllegalArgumentException ex) {
			throw refused(field, ex);
		}
	}

	private static String host(String url) {
		try {
			String host = URI.create(url).getHost();
			return (host != null) ? host : "(none)";
		}
		catch (IllegalArgumentException ex) {
			return "(not a URI)";
		}
	}

	private static ApiException refused(String field, IllegalArgumentException ex) {
		return ApiException.badRequest(field, "webhook_url refused: " + ex.getMessage());
	}

}
