package io.jetway.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Job meters count each attempt once, under its queue, type and outcome, and the state
 * gauge shows the table per queue.
 */
class JobMetricsTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@Test
	void attemptsAreCountedByOutcomeAndJobsByQueueAndState() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.H2);
		JobsTests.reset(database, nats.url());
		JobsTests.contextRunner(database, nats.url())
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				// a queue a handler uses shows from startup, every state at 0
				assertThat(state(registry, "pending")).isZero();
				JobClient jobs = context.getBean(JobClient.class);
				// max-attempts 3: one retry, then completed; two retries, then failed
				UUID recovers = jobs.enqueue("flaky", Map.of("failures", 1));
				UUID fails = jobs.enqueue("flaky", Map.of("failures", 99));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> jobs.status(recovers).orElseThrow().status() == JobState.COMPLETED
							&& jobs.status(fails).orElseThrow().status() == JobState.FAILED);
				// reported right after the outcome's commit
				await().atMost(Duration.ofSeconds(5))
					.until(() -> attempts(registry, "completed") == 1 && attempts(registry, "failed") == 1);
				assertThat(attempts(registry, "retried")).isEqualTo(3);
				assertThat(registry.find("jetway.jobs.attempts").tag("outcome", "stale").timer()).isNull();
				Counter enqueued = registry.get("jetway.jobs.enqueued")
					.tag("queue", "default")
					.tag("type", "flaky")
					.counter();
				assertThat(enqueued.count()).isEqualTo(2);
				// the gauge reads the table at most every 5 seconds
				await().atMost(Duration.ofSeconds(10))
					.until(() -> state(registry, "completed") == 1 && state(registry, "failed") == 1);
				assertThat(state(registry, "pending")).isZero();
			});
	}

	private static double attempts(MeterRegistry registry, String outcome) {
		Timer timer = registry.find("jetway.jobs.attempts")
			.tag("queue", "default")
			.tag("type", "flaky")
			.tag("outcome", outcome)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	private static double state(MeterRegistry registry, String state) {
		Gauge gauge = registry.get("jetway.jobs.states").tag("queue", "default").tag("state", state).gauge();
		return gauge.value();
	}

}
