package io.jetway.webhook;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Job webhooks: {@link UrlGuard} (SSRF rules), {@link WebhookSender} (signed delivery to
 * the validated address) and {@link WebhookBackoff} (when to retry), from
 * {@code jetway.jobs.webhooks.*}. Needs no NATS connection. Each bean can be replaced by
 * one of the application's own; a {@link HostResolver} bean changes how host names are
 * resolved.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "jetway.enabled", matchIfMissing = true)
@EnableConfigurationProperties(JetwayWebhookProperties.class)
public class WebhookAutoConfiguration {

	private static final Log logger = LogFactory.getLog(WebhookAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	HostResolver webhookHostResolver() {
		return HostResolver.system();
	}

	@Bean
	@ConditionalOnMissingBean
	UrlGuard webhookUrlGuard(JetwayWebhookProperties properties, HostResolver webhookHostResolver) {
		UrlGuard guard = new UrlGuard(webhookHostResolver, properties.getAllowedHosts(),
				properties.isAllowPrivateNetworks());
		if (guard.isAllowPrivateNetworks()) {
			logger.warn("jetway.jobs.webhooks.allow-private-networks is on: job webhooks may reach loopback, "
					+ "private and link-local addresses and internal host names. Use this for development and "
					+ "tests only; in production it lets a webhook URL reach internal services (SSRF).");
		}
		if (!guard.getAllowedHosts().isEmpty()) {
			logger.warn("jetway.jobs.webhooks.allowed-hosts " + guard.getAllowedHosts() + " may be internal names "
					+ "and resolve to loopback, private and link-local addresses. Use this for development and "
					+ "tests only.");
		}
		return guard;
	}

	@Bean
	@ConditionalOnMissingBean(WebhookSender.class)
	PinnedAddressWebhookSender webhookSender(UrlGuard webhookUrlGuard, JetwayWebhookProperties properties) {
		return new PinnedAddressWebhookSender(webhookUrlGuard, properties);
	}

	@Bean
	@ConditionalOnMissingBean
	WebhookBackoff webhookBackoff(JetwayWebhookProperties properties) {
		return WebhookBackoff.of(properties);
	}

}
