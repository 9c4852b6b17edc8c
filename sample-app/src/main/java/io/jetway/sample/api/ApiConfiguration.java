package io.jetway.sample.api;

import io.jetway.jobs.JobHandlers;
import io.jetway.jobs.JobsProperties;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The events, jobs and orders API: keys (the key filter on every path under
 * {@code /events}, {@code /jobs} and {@code /orders}, see {@link ApiPaths}), the request
 * size limit, and the enqueue rate limiter.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiKeysProperties.class)
class ApiConfiguration {

	@Bean
	ApiKeys apiKeys(ApiKeysProperties properties) {
		return new ApiKeys(properties);
	}

	@Bean
	ExternalJobTypes externalJobTypes(ApiKeysProperties properties, JobsProperties jobs, JobHandlers handlers) {
		return new ExternalJobTypes(properties, jobs, handlers::types);
	}

	@Bean
	ApiPaths apiPaths(DispatcherServletPath dispatcherServletPath) {
		return new ApiPaths(dispatcherServletPath);
	}

	@Bean
	FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(ApiKeys keys, ApiPaths paths, JsonMapper jsonMapper) {
		FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(
				new ApiKeyFilter(keys, paths, jsonMapper));
		// every path: the filter decides (ApiPaths), so an encoded slash cannot escape it
		registration.addUrlPatterns("/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

	@Bean
	FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(ApiKeysProperties properties, ApiPaths paths,
			JsonMapper jsonMapper) {
		FilterRegistrationBean<RequestSizeFilter> registration = new FilterRegistrationBean<>(
				new RequestSizeFilter(properties.getMaxRequestSize().toBytes(), paths, jsonMapper));
		// every path: the filter decides (ApiPaths), so an encoded slash cannot escape it
		registration.addUrlPatterns("/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
		return registration;
	}

	/**
	 * Tomcat answers a path with an encoded slash ({@code %2F}) with its own HTML error
	 * page before the application sees it; passed through, it reaches the controllers,
	 * whose name and id checks answer with the API's JSON 400 (a name never contains a
	 * slash). The API's filters are mapped to every path and decide by {@link ApiPaths},
	 * so such a path still needs a key and stays within the size limit.
	 */
	@Bean
	TomcatConnectorCustomizer encodedSlashPassThrough() {
		return (connector) -> connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
	}

	@Bean
	EnqueueRateLimiter enqueueRateLimiter(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		return new EnqueueRateLimiter(jdbc, transactionManager);
	}

	@Bean
	ApplicationRunner enqueueWindowsOfConfiguredProjects(EnqueueRateLimiter rateLimiter, ApiKeys keys) {
		return (arguments) -> rateLimiter.createWindows(keys.projects());
	}

}
