package io.jetway.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * The application of scenario (d): Spring Modulith's JDBC event publication registry with
 * its defaults and a listener that does nothing, as Modulith documents it
 * ({@link ApplicationModuleListener}: asynchronous, in a new transaction, after commit).
 * Jetway is turned off by property.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableAsync
class ModulithBenchmarkApplication {

	@Bean
	NoOpListener noOpListener() {
		return new NoOpListener();
	}

	public static class NoOpListener {

		@ApplicationModuleListener
		public void on(BenchEvent event) {
		}

	}

}
