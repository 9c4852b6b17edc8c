package io.jetway.sample.api;

import io.jetway.jobs.JobWebhookUrlValidator;
import io.jetway.webhook.WebhookUrlRejectedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Checks a caller's webhook URL with Jetway's {@link JobWebhookUrlValidator} (the SSRF
 * rules). A refusal that names what DNS answered (the internal address a host resolves
 * to, or the resolver's error) is answered with a generic reason and logged in full: the
 * caller learns that the URL is refused, not what our resolver sees.
 */
@Component
public class WebhookUrls {

	public static final String NOT_RESOLVABLE = "webhook_url refused: its host could not be resolved to an address; "
			+ "use a host with a public DNS name";

	public static final String NOT_PUBLIC = "webhook_url refused: its host resolves to an address webhooks may not reach "
			+ "(not a public address); use a host that resolves to public addresses only";

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
				logger.warn("Refused " + field + " '" + url + "': " + ex.getMessage());
				throw ApiException.badRequest(field, ex.isResolutionFailure() ? NOT_RESOLVABLE : NOT_PUBLIC);
			}
			throw refused(field, ex);
		}
		catch (IllegalArgumentException ex) {
			throw refused(field, ex);
		}
	}

	private static ApiException refused(String field, IllegalArgumentException ex) {
		return ApiException.badRequest(field, "webhook_url refused: " + ex.getMessage());
	}

}
