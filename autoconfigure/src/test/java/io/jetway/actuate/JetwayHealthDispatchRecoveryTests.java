package io.jetway.actuate;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import io.jetway.test.jdbc.PostgresServerExtension;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static io.jetway.actuate.ActuateTestSupport.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code jobs} check is DEGRADED while a transaction left open holds the job dispatch
 * recovery back longer than {@code jetway.health.jobs.max-dispatch-recovery-held-back},
 * and UP once it ends. On a private PostgreSQL server, so that no other test's
 * transaction is the oldest one.
 */
class JetwayHealthDispatchRecoveryTests {

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@RegisterExtension
	static final PostgresServerExtension postgres = new PostgresServerExtension();

	@Test
	void degradedWhileAnOpenTransactionHoldsTheDispatchRecoveryBack() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			ActuateTestSupport.contextRunner(databases.get(TestDatabase.POSTGRESQL), nats)
				.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(),
						"spring.datasource.username=" + postgres.username(), "spring.datasource.password=",
						"jetway.jobs.dispatch.recovery-interval=100ms",
						"jetway.health.jobs.max-dispatch-recovery-held-back=1s")
				.run((context) -> {
					JetwayHealthIndicator indicator = context.getBean(JetwayHealthIndicator.class);
					assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
					try (Connection idle = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), "")) {
						idle.setAutoCommit(false);
						try (Statement statement = idle.createStatement()) {
							statement.execute("SELECT pg_current_xact_id()");
						}
						await().atMost(Duration.ofSeconds(10))
							.until(() -> indicator.health(true).getStatus().equals(JetwayHealthIndicator.DEGRADED));
						Health health = indicator.health(true);
						assertThat(map(health.getDetails().get("jobs"))).containsEntry("status", "DEGRADED")
							.containsEntry("stuck", Map.of());
						assertThat((Long) map(health.getDetails().get("jobs")).get("dispatchRecoveryHeldBackSeconds"))
							.isGreaterThanOrEqualTo(1L);
						idle.rollback();
					}
					await().atMost(Duration.ofSeconds(10))
						.until(() -> indicator.health(true).getStatus().equals(Status.UP));
				});
		}
	}

}
