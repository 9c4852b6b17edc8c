package io.jetway.jobs;

import java.time.Duration;
import java.time.Instant;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Durations and instants too large to compute with or to store are refused where they are
 * given, with a message that names them.
 */
class JobDurationLimitsTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final Duration OVERFLOWING = Duration.ofSeconds(Long.MAX_VALUE);

	@Test
	void anOverflowingDelayOrRunAtIsRefusedByTheOptions() {
		assertThatIllegalArgumentException().isThrownBy(() -> JobOptions.builder().delay(OVERFLOWING).build())
			.withMessageContaining("delay")
			.withMessageContaining(OVERFLOWING.toString());
		assertThatIllegalArgumentException().isThrownBy(() -> JobOptions.builder().runAt(Instant.MAX).build())
			.withMessageContaining("runAt")
			.withMessageContaining("9999");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JobOptions(Duration.ofDays(-1), null, null, null, null, null))
			.withMessageContaining("negative");
	}

	@Test
	void anOverflowingDelayIsRefusedAtEnqueueAndNothingIsStored() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		JobsTests.contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			// Duration.ofDays(3_000_000) is fine for Instant.plus but beyond any
			// database timestamp
			assertThatIllegalArgumentException()
				.isThrownBy(() -> jobs.enqueue("greet", new JobsTests.TestHandlers.Greeting("x"),
						JobOptions.builder().delay(Duration.ofDays(3_000_000)).build()))
				.withMessageContaining("delay");
			assertThat(new JdbcTemplate(database.dataSource()).queryForObject("SELECT COUNT(*) FROM jetway_jobs",
					Long.class))
				.isZero();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "jetway.jobs.queues.default.timeout", "jetway.jobs.queues.default.ack-wait",
			"jetway.jobs.defaults.backoff.max" })
	void anOverflowingQueueDurationFailsStartupNamingTheProperty(String property) throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.H2);
		JobsTests.reset(database, nats.url());
		JobsTests.contextRunner(database, nats.url())
			.withPropertyValues(property + "=" + Long.MAX_VALUE + "s")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining(property)
				.hasStackTraceContaining(OVERFLOWING.toString()));
	}

}
