package io.jetway.actuate;

import java.net.URI;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.jetway.consumer.DeadLetters;
import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerProcess;
import io.jetway.test.net.FaultProxy;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.actuate.ActuateTestSupport.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.awaitility.Awaitility.await;

/**
 * The {@code jetway} health indicator against a real nats-server and PostgreSQL: UP with
 * the details of every check, DOWN while NATS is away (and within the timeout while it
 * hangs), DEGRADED for an outbox backlog, a stuck consumer and a stuck job.
 */
class JetwayHealthIndicatorTests {

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static TestDatabaseInstance database() {
		return ActuateTestSupport.emptyPostgres(databases);
	}

	@Test
	void upWithTheDetailsOfEveryCheckWhenAllIsWell() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			ActuateTestSupport.contextRunner(database(), nats).run((context) -> {
				Health health = indicator(context).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsOnlyKeys("topology", "consumers", "deadLetters", "outbox",
						"jobs");
				Map<String, Object> topology = map(health.getDetails().get("topology"));
				assertThat(topology).containsEntry("status", "UP").containsEntry("drift", List.of());
				// ORDERS, the dead-letter stream and the jobs stream
				assertThat(topology.get("streams")).isEqualTo(3);
				Map<String, Object> outbox = map(health.getDetails().get("outbox"));
				assertThat(outbox).containsEntry("status", "UP")
					.containsEntry("pending", 0L)
					.containsEntry("oldestPendingAgeSeconds", 0L)
					.containsEntry("maxPending", 10_000L)
					.containsEntry("maxOldestPendingAgeSeconds", 300L);
				Map<String, Object> consumer = map(map(health.getDetails().get("consumers")).get("orders-handler"));
				assertThat(consumer).containsEntry("stream", "ORDERS")
					.containsEntry("lag", 0L)
					.containsEntry("ackPending", 0L)
					.containsEntry("redelivered", 0L)
					.containsEntry("paused", false)
					.containsEntry("problems", List.of());
				assertThat(map(health.getDetails().get("deadLetters"))).containsEntry("status", "UP")
					.containsEntry("stream", "JETWAY_DLQ")
					.containsEntry("total", 0L);
				assertThat(map(health.getDetails().get("jobs"))).containsEntry("status", "UP")
					.containsEntry("stuck", Map.of())
					.containsKey("dispatchRecoveryHeldBackSeconds");
			});
		}
	}

	@Test
	void downWhileNatsIsAwayAndUpAgainAfterItsRestart() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			ActuateTestSupport.contextRunner(database(), nats).run((context) -> {
				JetwayHealthIndicator indicator = indicator(context);
				assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
				nats.stop();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> indicator.health(true).getStatus().equals(Status.DOWN));
				Health down = indicator.health(true);
				assertThat(map(down.getDetails().get("topology"))).containsEntry("status", "DOWN");
				assertThat((String) map(down.getDetails().get("topology")).get("error"))
					.contains("the NATS connection is");
				// the database still answers
				assertThat(map(down.getDetails().get("outbox"))).containsEntry("status", "UP");
				nats.restart();
				await().atMost(Duration.ofSeconds(15))
					.until(() -> indicator.health(true).getStatus().equals(Status.UP));
			});
		}
	}

	@Test
	void answersDownWithinTheTimeoutWhileNatsHangs() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			ActuateTestSupport.contextRunner(database(), nats)
				.withPropertyValues("jetway.health.timeout=1s")
				.run((context) -> {
					JetwayHealthIndicator indicator = indicator(context);
					assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
					nats.suspend();
					try {
						long started = System.nanoTime();
						Health health = indicator.health(true);
						Duration took = Duration.ofNanos(System.nanoTime() - started);
						assertThat(health.getStatus()).isEqualTo(Status.DOWN);
						assertThat(took).isLessThan(Duration.ofSeconds(3));
						assertThat((String) map(health.getDetails().get("consumers")).get("error"))
							.contains("no answer within PT1S (jetway.health.timeout)");
					}
					finally {
						nats.resume();
					}
					await().atMost(Duration.ofSeconds(15))
						.until(() -> indicator.health(true).getStatus().equals(Status.UP));
				});
		}
	}

	@Test
	void answersDownWithinTheTimeoutWhileTheDatabaseHangs() {
		TestDatabaseInstance database = database();
		URI direct = URI.create(database.url().substring("jdbc:".length()));
		try (NatsServerProcess nats = NatsServerProcess.start();
				FaultProxy proxy = FaultProxy.to(direct.getHost(), direct.getPort())) {
			String proxied = proxy.url("jdbc:postgresql") + direct.getRawPath()
					+ ((direct.getRawQuery() != null) ? "?" + direct.getRawQuery() : "");
			ActuateTestSupport.contextRunner(database, nats)
				.withPropertyValues("spring.datasource.url=" + proxied, "jetway.health.timeout=1s",
						"jetway.listener.shutdown-timeout=1s")
				.run((context) -> {
					JetwayHealthIndicator indicator = indicator(context);
					assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
					proxy.blackhole();
					try {
						long started = System.nanoTime();
						Health health = indicator.health(true);
						assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
						assertThat(health.getStatus()).isEqualTo(Status.DOWN);
						assertThat((String) map(health.getDetails().get("outbox")).get("error"))
							.contains("no answer within PT1S");
						assertThat(map(health.getDetails().get("topology"))).containsEntry("status", "UP");
					}
					finally {
						proxy.heal();
					}
					await().atMost(Duration.ofSeconds(20))
						.until(() -> indicator.health(true).getStatus().equals(Status.UP));
				});
		}
	}

	@Test
	void degradedNotDownForThousandsOfDeadLettersEachOnItsOwnSubject() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			ActuateTestSupport.contextRunner(database(), nats).run((context) -> {
				JetStream jetStream = context.getBean(Connection.class).jetStream();
				List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
				for (int i = 0; i < 5000; i++) {
					acks.add(jetStream.publishAsync("jetway.dlq.ORDERS.orders-handler."
							+ DeadLetters.messageIdToken(UUID.randomUUID().toString()), "{}".getBytes()));
				}
				CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

				Health health = indicator(context).health(true);

				// DOWN would be the health timeout (2 s) or a failed read
				assertThat(health.getStatus()).isEqualTo(JetwayHealthIndicator.DEGRADED);
				assertThat(map(health.getDetails().get("deadLetters"))).containsEntry("status", "DEGRADED")
					.containsEntry("total", 5000L)
					.containsEntry("byConsumer", Map.of())
					.containsEntry("byConsumerCapped", true);
			});
		}
	}

	@Test
	void degradedForAGrowingOutboxBacklog() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			ActuateTestSupport.contextRunner(database(), nats)
				.withPropertyValues("jetway.health.outbox.max-pending=3", "jetway.outbox.relay.max-attempts=1000")
				.run((context) -> {
					JetwayHealthIndicator indicator = indicator(context);
					JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
					TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
					for (int i = 0; i < 3; i++) {
						transactions.executeWithoutResult((status) -> publisher.publish("nowhere.created", "lost"));
					}
					// at the threshold, not above it
					assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
					transactions.executeWithoutResult((status) -> publisher.publish("nowhere.created", "lost"));
					Health health = indicator.health(true);
					assertThat(health.getStatus()).isEqualTo(JetwayHealthIndicator.DEGRADED);
					assertThat(map(health.getDetails().get("outbox"))).containsEntry("status", "DEGRADED")
						.containsEntry("pending", 4L);
					assertThat(map(health.getDetails().get("topology"))).containsEntry("status", "UP");
				});
		}
	}

	@Test
	void degradedForAnOutboxRowPendingLongerThanTheMaxAge() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			ActuateTestSupport.contextRunner(database(), nats)
				.withPropertyValues("jetway.health.outbox.max-oldest-pending-age=1s",
						"jetway.outbox.relay.max-attempts=1000")
				.run((context) -> {
					JetwayHealthIndicator indicator = indicator(context);
					context.getBean(TransactionTemplate.class)
						.executeWithoutResult(
								(status) -> context.getBean(JetwayPublisher.class).publish("nowhere.created", "lost"));
					await().atMost(Duration.ofSeconds(10))
						.until(() -> indicator.health(true).getStatus().equals(JetwayHealthIndicator.DEGRADED));
					assertThat((Long) map(indicator.health(true).getDetails().get("outbox"))
						.get("oldestPendingAgeSeconds")).isGreaterThanOrEqualTo(1L);
				});
		}
	}

	@Test
	void degradedForAConsumerWhoseLagIsAboveTheThreshold() throws Exception {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			ActuateTestSupport.contextRunner(database(), nats)
				.withPropertyValues("jetway.consumers.orders-handler.auto-startup=false",
						"jetway.health.consumers.max-lag=3")
				.run((context) -> {
					JetwayHealthIndicator indicator = indicator(context);
					ActuateTestSupport.publish(nats, "orders.created", "order", 3);
					await().atMost(Duration.ofSeconds(5))
						.until(() -> lag(indicator) == 3 && indicator.health(true).getStatus().equals(Status.UP));
					ActuateTestSupport.publish(nats, "orders.created", "order", 2);
					await().atMost(Duration.ofSeconds(5)).until(() -> lag(indicator) == 5);
					Health health = indicator.health(true);
					assertThat(health.getStatus()).isEqualTo(JetwayHealthIndicator.DEGRADED);
					Map<String, Object> consumers = map(health.getDetails().get("consumers"));
					assertThat(consumers).containsEntry("status", "DEGRADED");
					Map<String, Object> consumer = map(consumers.get("orders-handler"));
					assertThat(consumer).containsEntry("paused", true);
					assertThat(consumer.get("problems")).asInstanceOf(LIST)
						.containsExactly("lag 5 is above jetway.health.consumers.max-lag (3); the listener is paused");
				});
		}
	}

	@Test
	void degradedForAJobRunningPastItsTimeout() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			TestDatabaseInstance database = database();
			ActuateTestSupport.contextRunner(database, nats)
				.withPropertyValues("jetway.jobs.queues.reports.timeout=1m",
						"jetway.health.jobs.stuck-after-timeout=30s")
				.run((context) -> {
					JetwayHealthIndicator indicator = indicator(context);
					JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
					// within its timeout plus the grace: not stuck
					insertRunningJob(jdbc, "reports", Instant.now().minusSeconds(80));
					assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
					insertRunningJob(jdbc, "reports", Instant.now().minusSeconds(100));
					Health health = indicator.health(true);
					assertThat(health.getStatus()).isEqualTo(JetwayHealthIndicator.DEGRADED);
					assertThat(map(health.getDetails().get("jobs"))).containsEntry("status", "DEGRADED")
						.containsEntry("stuck", Map.of("reports", 1L));
				});
		}
	}

	@Test
	void degradedByTopologyDrift() throws Exception {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			try (Connection connection = Nats.connect(nats.url())) {
				// storage never changes in place: the declared file storage stays drift
				connection.jetStreamManagement()
					.addStream(StreamConfiguration.builder()
						.name("ORDERS")
						.subjects("orders.>")
						.storageType(StorageType.Memory)
						.build());
			}
			ActuateTestSupport.contextRunner(database(), nats).run((context) -> {
				Health health = indicator(context).health(true);
				assertThat(health.getStatus()).isEqualTo(JetwayHealthIndicator.DEGRADED);
				Map<String, Object> topology = map(health.getDetails().get("topology"));
				assertThat(topology).containsEntry("status", "DEGRADED");
				assertThat(topology.get("drift")).asInstanceOf(LIST)
					.singleElement()
					.asString()
					.startsWith("stream ORDERS (jetway.topology.streams.ORDERS): ")
					.contains("storage");
			});
		}
	}

	@Test
	void onlyTheChecksOfWhatTheApplicationUses() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			TestDatabaseInstance database = database();
			List<Class<?>> outboxOnly = ActuateTestSupport.JETWAY.stream()
				.filter((type) -> !type.getSimpleName().startsWith("Consumer")
						&& !type.getSimpleName().startsWith("Jobs") && !type.getSimpleName().startsWith("Inbox"))
				.toList();
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(outboxOnly.toArray(Class<?>[]::new)))
				.withConfiguration(AutoConfigurations.of(JetwayHealthAutoConfiguration.class))
				.withPropertyValues("spring.datasource.url=" + database.url(),
						"spring.datasource.username=" + database.username(),
						"spring.datasource.password=" + database.password(), "jetway.nats.servers=" + nats.url(),
						"jetway.jdbc.initialize-schema=always", "jetway.topology.streams.ORDERS.subjects=orders.>")
				.run((context) -> {
					Health health = indicator(context).health(true);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsOnlyKeys("topology", "outbox");
				});
		}
	}

	@Test
	void offWhenDisabled() {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			ActuateTestSupport.contextRunner(database(), nats)
				.withPropertyValues("management.health.jetway.enabled=false")
				.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("jetwayHealthIndicator"));
		}
	}

	private static JetwayHealthIndicator indicator(ApplicationContext context) {
		return context.getBean("jetwayHealthIndicator", JetwayHealthIndicator.class);
	}

	private static long lag(JetwayHealthIndicator indicator) {
		Object consumers = indicator.health(true).getDetails().get("consumers");
		Object lag = map(map(consumers).get("orders-handler")).get("lag");
		return (lag != null) ? (Long) lag : -1;
	}

	static void insertRunningJob(JdbcTemplate jdbc, String queue, Instant startedAt) {
		Timestamp started = Timestamp.from(startedAt);
		jdbc.update("INSERT INTO jetway_jobs (id, type, queue, status, attempts, max_attempts, payload, created_at, "
				+ "run_at, started_at, updated_at) VALUES (?, 'report', ?, 'running', 1, 1, '\"stuck\"', ?, ?, ?, ?)",
				UUID.randomUUID(), queue, started, started, started, started);
	}

}
