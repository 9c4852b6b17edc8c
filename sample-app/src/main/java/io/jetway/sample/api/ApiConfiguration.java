package io.jetway.sample.api;

import java.time.Clock;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The events and jobs API: keys, the key filter on {@code /events/*} and {@code /jobs/*},
 * and the enqueue rate limiter.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiKeysProperties.class)
class ApiConfiguration {

	@Bean
	ApiKeys apiKeys(ApiKeysProperties properties) {
		return new ApiKeys(properties);
	}

	@Bean
	FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(ApiKeys keys, JsonMapper jsonMapper) {
		FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(
				new ApiKeyFilter(keys, jsonMapper));
		registration.addUrlPatterns("/events/*", "/jobs/*");
		return registration;
	}

	@Bean
	EnqueueRateLimiter enqueueRateLimiter() {
		return new EnqueueRateLimiter(Clock.systemUTC());
	}

}
