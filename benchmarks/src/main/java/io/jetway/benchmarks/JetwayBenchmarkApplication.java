package io.jetway.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The application of scenario (c): Jetway's auto-configuration on PostgreSQL, plus an
 * observer of the relay's acknowledged records. Spring Modulith's auto-configurations are
 * excluded by property ({@link JetwayOutboxScenario#MODULITH_AUTO_CONFIGURATIONS}).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class JetwayBenchmarkApplication {

	@Bean
	AckRecorder ackRecorder() {
		return new AckRecorder();
	}

}
