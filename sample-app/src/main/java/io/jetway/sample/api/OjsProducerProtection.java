package io.jetway.sample.api;

import io.jetway.jobs.ojs.OjsProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The filter that protects the OJS producer endpoints, an OJS producer guard: the sample
 * has no Spring Security. Startup fails unless the settings it relies on hold: an admin
 * key of at least 8 characters that is no API key, and worker tokens on the worker calls
 * it lets through. The conformance profile turns it off
 * ({@code sample.ojs.producer-key-filter.enabled=false}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "jetway.jobs.ojs.enabled")
@ConditionalOnBooleanProperty(name = "sample.ojs.producer-key-filter.enabled", matchIfMissing = true)
class OjsProducerProtection {

	@Bean
	OjsProducerKeyFilter ojsProducerKeyFilter(OjsProperties properties, ApiKeysProperties apiKeys,
			DispatcherServletPath dispatcherServletPath, JsonMapper jsonMapper) {
		if (!properties.isRequireWorkerToken()) {
			throw new IllegalStateException("jetway.jobs.ojs.require-worker-token is false: the OJS producer key "
					+ "filter lets the worker calls through, which would then be open to anyone. Set it to true "
					+ "(or sample.ojs.producer-key-filter.enabled=false on a trusted test network)");
		}
		return new OjsProducerKeyFilter(dispatcherServletPath.getRelativePath(properties.getBasePath()),
				adminKey(properties, apiKeys), jsonMapper);
	}

	@Bean
	FilterRegistrationBean<OjsProducerKeyFilter> ojsProducerKeyFilterRegistration(OjsProducerKeyFilter filter) {
		FilterRegistrationBean<OjsProducerKeyFilter> registration = new FilterRegistrationBean<>(filter);
		// every path: the filter decides, so an encoded slash cannot escape it
		registration.addUrlPatterns("/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

	private static String adminKey(OjsProperties properties, ApiKeysProperties apiKeys) {
		String key = properties.getAdminKey();
		if (key == null || key.isBlank() || key.length() < 8) {
			throw new IllegalStateException("jetway.jobs.ojs.admin-key must have at least 8 characters (it is "
					+ ((key == null) ? "not set" : key.length() + " long")
					+ "): the OJS producer endpoints would be open with an empty key. Set OJS_ADMIN_KEY");
		}
		apiKeys.getKeys().forEach((name, apiKey) -> {
			if (key.equals(apiKey.getKey())) {
				throw new IllegalStateException("jetway.jobs.ojs.admin-key is the key of sample.api.keys." + name
						+ ".key as well: a tenant would hold the admin key. Give the admin key a value of its own");
			}
		});
		return key;
	}

}
