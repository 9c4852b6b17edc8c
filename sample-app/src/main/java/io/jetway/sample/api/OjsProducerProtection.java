package io.jetway.sample.api;

import io.jetway.jobs.ojs.OjsProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The filter that protects the OJS producer endpoints, which the application declares
 * with {@code jetway.jobs.ojs.producers-protected-by-application=true} (the sample has no
 * Spring Security). The conformance profile turns both off.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(
		name = { "jetway.jobs.ojs.enabled", "jetway.jobs.ojs.producers-protected-by-application" })
class OjsProducerProtection {

	@Bean
	FilterRegistrationBean<OjsProducerKeyFilter> ojsProducerKeyFilter(OjsProperties properties, JsonMapper jsonMapper) {
		FilterRegistrationBean<OjsProducerKeyFilter> registration = new FilterRegistrationBean<>(
				new OjsProducerKeyFilter(properties, jsonMapper));
		// every path: the filter decides, so an encoded slash cannot escape it
		registration.addUrlPatterns("/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

}
