package io.jetway.jobs;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import io.jetway.test.jdbc.PostgresServerExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.jetway.jobs.JobsTests.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A transaction left open anywhere in the PostgreSQL cluster holds the job dispatch
 * recovery back: how long shows as a gauge, and past a threshold as a WARN naming the
 * session. Real nats-server and a private PostgreSQL server, so that no other test's
 * transaction is the oldest one.
 */
@ExtendWith(OutputCaptureExtension.class)
class JobDispatchHeldBackTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final PostgresServerExtension postgres = new PostgresServerExtension();

	@Test
	void anIdleTransactionShowsAsAGrowingHeldBackAgeAndAWarning(CapturedOutput output) throws Exception {
		contextRunner(postgres.jdbcUrl(), postgres.username(), "", nats.url())
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues("jetway.jobs.dispatch.recovery-delay=1s",
					"jetway.jobs.dispatch.recovery-interval=100ms",
					"jetway.jobs.dispatch.recovery-held-back-warning=2s")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> registry.find("jetway.jobs.dispatch.recovery.held.back").gauge() != null);
				Gauge heldBack = registry.get("jetway.jobs.dispatch.recovery.held.back").gauge();
				assertThat(heldBack.getId().getBaseUnit()).isEqualTo("seconds");
				int pid;
				try (Connection idle = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), "")) {
					idle.setAutoCommit(false);
					try (Statement statement = idle.createStatement();
							ResultSet rows = statement.executeQuery("SELECT pg_current_xact_id(), pg_backend_pid()")) {
						rows.next();
						pid = rows.getInt(2);
					}
					// the session now sits idle in its transaction
					await().atMost(Duration.ofSeconds(5)).until(() -> heldBack.value() >= 1);
					double first = heldBack.value();
					await().atMost(Duration.ofSeconds(5)).until(() -> heldBack.value() >= first + 1);
					// named once it passed the threshold: the only open transaction
					await().atMost(Duration.ofSeconds(10))
						.until(() -> output.getAll().contains("The job dispatch recovery is held back"));
					assertThat(output.getAll().lines().filter((line) -> line.contains("is held back")))
						.allSatisfy((line) -> assertThat(line).contains("pid " + pid).contains("idle in transaction"));
					idle.rollback();
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> heldBack.value() < 1);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> output.getAll().contains("The job dispatch recovery is no longer held back"));
			});
	}

}
