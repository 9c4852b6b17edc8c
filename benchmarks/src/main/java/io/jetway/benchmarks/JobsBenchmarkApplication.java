package io.jetway.benchmarks;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.jetway.jobs.JobHandler;
import io.jetway.jobs.JobObserver;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The application of the Jetway jobs scenario: Jetway's auto-configuration on PostgreSQL,
 * a no-op {@code @JobHandler(type = "noop")} and an observer counting completed jobs.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class JobsBenchmarkApplication {

	@Bean
	NoOpJob noOpJob() {
		return new NoOpJob();
	}

	@Bean
	Completions completions() {
		return new Completions();
	}

	static class NoOpJob {

		@JobHandler(type = "noop")
		void run(String payload) {
			JobProbe.started(JobProbe.sequence(payload));
		}

	}

	static class Completions implements JobObserver {

		final AtomicLong completed = new AtomicLong();

		@Override
		public void completed(String queue, String type, Duration duration) {
			this.completed.incrementAndGet();
		}

	}

}
