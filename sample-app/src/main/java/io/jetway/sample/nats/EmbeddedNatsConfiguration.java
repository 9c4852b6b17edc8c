package io.jetway.sample.nats;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the {@link EmbeddedNatsFallback}.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddedNatsConfiguration {

	@Bean
	static EmbeddedNatsFallback embeddedNatsFallback() {
		return new EmbeddedNatsFallback();
	}

}
