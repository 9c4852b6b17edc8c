package io.jetway.sample.api;

import java.time.Clock;

import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The events, jobs and orders API: keys (the key filter on {@code /events/*},
 * {@code /jobs/*} and {@code /orders}), the request size limit, and the enqueue rate
 * limiter.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiKeysProperties.class)
class ApiConfiguration {

	private static final String[] API_PATHS = { "/events/*", "/jobs/*", "/orders", "/orders/*" };

	@Bean
	ApiKeys apiKeys(ApiKeysProperties properties) {
		return new ApiKeys(properties);
	}

	@Bean
	FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(ApiKeys keys, JsonMapper jsonMapper) {
		FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(
				new ApiKeyFilter(keys, jsonMapper));
		registration.addUrlPatterns(API_PATHS);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

	@Bean
	FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(ApiKeysProperties properties, JsonMapper jsonMapper) {
		FilterRegistrationBean<RequestSizeFilter> registration = new FilterRegistrationBean<>(
				new RequestSizeFilter(properties.getMaxRequestSize().toBytes(), jsonMapper));
		registration.addUrlPatterns(API_PATHS);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
		return registration;
	}

	/**
	 * Tomcat answers a path with an encoded slash ({@code %2F}) with its own HTML error
	 * page before the application sees it; passed through, it reaches the controllers,
	 * whose name and id checks answer with the API's JSON 400 (a name never contains a
	 * slash).
	 */
	@Bean
	TomcatConnectorCustomizer encodedSlashPassThrough() {
		return (connector) -> connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
	}

	@Bean
	EnqueueRateLimiter enqueueRateLimiter(JdbcTemplate jdbc) {
		return new EnqueueRateLimiter(jdbc, Clock.systemUTC());
	}

}
