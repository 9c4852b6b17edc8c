package io.jetway.benchmarks;

import java.util.concurrent.atomic.AtomicLong;

import io.jetway.consumer.JetStreamListener;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The application of consumer scenarios (d) to (f): Jetway's auto-configuration on
 * PostgreSQL and one no-op {@code @JetStreamListener("bench")} that counts what it saw.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class ConsumerBenchmarkApplication {

	@Bean
	NoOpListener noOpListener() {
		return new NoOpListener();
	}

	static class NoOpListener {

		final AtomicLong handled = new AtomicLong();

		@JetStreamListener(ConsumerBenchmark.CONSUMER)
		void on(byte[] payload) {
			this.handled.incrementAndGet();
		}

	}

}
