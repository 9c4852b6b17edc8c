package io.jetway.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.actuate.ActuateTestSupport.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code jetway} health indicator under load, against a real nats-server and
 * PostgreSQL: overlapping calls, a large outbox backlog and a query slower than the
 * timeout.
 */
class JetwayHealthUnderLoadTests {

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static TestDatabaseInstance database() {
		return ActuateTestSupport.emptyPostgres(databases);
	}

	@Test
	void overlappingCallsAllAnswerUp() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			ActuateTestSupport.contextRunner(database(), nats).run((context) -> {
				JetwayHealthIndicator indicator = indicator(context);
				assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
				int callers = 4;
				ExecutorService executor = Executors.newFixedThreadPool(callers);
				try {
					for (int round = 0; round < 10; round++) {
						CyclicBarrier start = new CyclicBarrier(callers);
						List<CompletableFuture<Health>> calls = new ArrayList<>();
						for (int i = 0; i < callers; i++) {
							calls.add(CompletableFuture.supplyAsync(() -> {
								await(start);
								return indicator.health(true);
							}, executor));
						}
						for (CompletableFuture<Health> call : calls) {
							Health health = call.get(10, TimeUnit.SECONDS);
							assertThat(health.getStatus()).as("round %d: %s", round, health.getDetails())
								.isEqualTo(Status.UP);
						}
					}
				}
				finally {
					executor.shutdownNow();
				}
			});
		}
	}

	@Test
	void thePendingCountStopsPastTheThreshold() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			ActuateTestSupport.contextRunner(database(), nats)
				.withPropertyValues("jetway.health.outbox.max-pending=3", "jetway.outbox.relay.max-attempts=1000")
				.run((context) -> {
					JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
					context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
						for (int i = 0; i < 10; i++) {
							publisher.publish("nowhere.created", "lost");
						}
					});
					Health health = indicator(context).health(true);
					assertThat(health.getStatus()).isEqualTo(JetwayHealthIndicator.DEGRADED);
					assertThat(map(health.getDetails().get("outbox"))).containsEntry("status", "DEGRADED")
						.containsEntry("pending", 4L)
						.containsEntry("pendingCapped", true);
				});
		}
	}

	@Test
	void aQuerySlowerThanTheTimeoutIsDegradedNotDown() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			TestDatabaseInstance database = database();
			ActuateTestSupport.contextRunner(database, nats)
				.withPropertyValues("jetway.health.timeout=2s")
				.run((context) -> {
					JetwayHealthIndicator indicator = indicator(context);
					assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
					// an exclusive lock makes the outbox query wait as a slow query would
					TransactionTemplate locking = new TransactionTemplate(
							new DataSourceTransactionManager(database.dataSource()));
					Health health = locking.execute((status) -> {
						new JdbcTemplate(database.dataSource())
							.execute("LOCK TABLE jetway_outbox IN ACCESS EXCLUSIVE MODE");
						return indicator.health(true);
					});
					assertThat(health).isNotNull();
					assertThat(health.getStatus()).as("%s", health.getDetails())
						.isEqualTo(JetwayHealthIndicator.DEGRADED);
					Map<String, Object> outbox = map(health.getDetails().get("outbox"));
					assertThat(outbox).containsEntry("status", "DEGRADED").containsEntry("timedOut", true);
					assertThat(map(health.getDetails().get("topology"))).containsEntry("status", "UP");
				});
		}
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JetwayHealthIndicator indicator(ApplicationContext context) {
		return context.getBean("jetwayHealthIndicator", JetwayHealthIndicator.class);
	}

}
