package io.jetway.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.jetway.actuate.ActuatorApplication.Response;
import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobOptions;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code jetway} endpoint over real HTTP, in a populated application (messages
 * handled and dead-lettered, outbox rows sent and failed, jobs completed, failed and
 * scheduled, a cron schedule) with writes allowed
 * ({@code management.endpoint.jetway.access=unrestricted}): the JSON field by field, then
 * every write with its effect.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JetwayEndpointTests {

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static NatsServerProcess nats;

	private static TestDatabaseInstance database;

	private static ActuatorApplication app;

	private static UUID completedJob;

	private static UUID failedJob;

	private static UUID scheduledJob;

	@BeforeAll
	static void populatedApplication() throws Exception {
		nats = NatsServerProcess.start();
		database = ActuateTestSupport.emptyPostgres(databases);
		app = ActuatorApplication.start(database, nats, "management.endpoints.web.exposure.include=health,jetway",
				"management.endpoint.jetway.access=unrestricted", "management.endpoint.health.show-details=always",
				"management.endpoint.health.status.order=down,out-of-service,degraded,up,unknown",
				"jetway.outbox.relay.max-attempts=1", "jetway.jobs.schedules.nightly.cron=0 0 2 * * *",
				"jetway.jobs.schedules.nightly.type=report");
		JetwayPublisher publisher = bean(JetwayPublisher.class);
		TransactionTemplate transactions = bean(TransactionTemplate.class);
		transactions.executeWithoutResult((status) -> {
			publisher.publish("orders.created", "first");
			publisher.publish("orders.created", "second");
			publisher.publish("nowhere.created", "no stream");
		});
		await().atMost(Duration.ofSeconds(15)).until(() -> ActuateTestSupport.OrdersListener.handled.size() == 2);
		ActuateTestSupport.OrdersListener.failing = true;
		ActuateTestSupport.publish(nats, "orders.created", "dead", 1);
		JobClient jobs = bean(JobClient.class);
		completedJob = jobs.enqueue("report", "ok");
		failedJob = jobs.enqueue("report", "fail");
		scheduledJob = jobs.enqueue("report", "later", JobOptions.builder().delay(Duration.ofHours(1)).build());
		await().atMost(Duration.ofSeconds(15))
			.until(() -> state(completedJob) == JobState.COMPLETED && state(failedJob) == JobState.FAILED
					&& outboxRows("failed") == 1 && deadLetters() == 1);
		ActuateTestSupport.OrdersListener.failing = false;
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
		if (nats != null) {
			nats.close();
		}
	}

	@Test
	@Order(1)
	void readsEveryPartFieldByField() {
		Response response = app.get("/actuator/jetway");
		assertThat(response.status()).isEqualTo(200);
		JsonNode body = response.json();
		assertThat(names(body)).containsExactly("streams", "consumers", "outbox", "deadLetters", "jobs", "schedules");
		JsonNode orders = find(body.get("streams"), "name", "ORDERS");
		assertThat(orders.get("streamName").asString()).isEqualTo("ORDERS");
		assertThat(orders.get("subjects").get(0).asString()).isEqualTo("orders.>");
		assertThat(orders.get("messages").asLong()).isEqualTo(3);
		assertThat(orders.get("bytes").asLong()).isPositive();
		assertThat(orders.get("consistent").asBoolean()).isTrue();
		assertThat(orders.get("drift").size()).isZero();
		assertThat(find(body.get("streams"), "name", "JETWAY_DLQ").get("messages").asLong()).isEqualTo(1);
		assertThat(body.get("streams").size()).isEqualTo(3);
		JsonNode consumer = find(body.get("consumers"), "name", "orders-handler");
		assertThat(consumer.get("stream").asString()).isEqualTo("ORDERS");
		assertThat(consumer.get("running").asBoolean()).isTrue();
		assertThat(consumer.get("paused").asBoolean()).isFalse();
		assertThat(consumer.get("lag").asLong()).isZero();
		assertThat(consumer.get("ackPending").asLong()).isZero();
		assertThat(consumer.get("redelivered").asLong()).isZero();
		JsonNode outbox = body.get("outbox");
		assertThat(outbox.get("pending").asLong()).isEqualTo(outboxRows("pending"));
		assertThat(outbox.get("failed").asLong()).isEqualTo(1);
		assertThat(outbox.get("sent").asLong()).isEqualTo(outboxRows("sent")).isGreaterThanOrEqualTo(2);
		if (outboxRows("pending") > 0) {
			assertThat(Instant.parse(outbox.get("oldestPendingCreatedAt").asString())).isBefore(Instant.now());
		}
		assertThat(outbox.get("oldestPendingAgeSeconds").asLong()).isGreaterThanOrEqualTo(0);
		JsonNode deadLetters = body.get("deadLetters");
		assertThat(deadLetters.get("stream").asString()).isEqualTo("JETWAY_DLQ");
		assertThat(deadLetters.get("total").asLong()).isEqualTo(1);
		assertThat(deadLetters.get("byConsumer").get("orders-handler").asLong()).isEqualTo(1);
		JsonNode reports = body.get("jobs").get("queues").get("reports");
		assertThat(names(reports)).containsExactlyInAnyOrder("completed", "failed", "scheduled");
		assertThat(reports.get("completed").asLong()).isEqualTo(1);
		assertThat(reports.get("failed").asLong()).isEqualTo(1);
		assertThat(reports.get("scheduled").asLong()).isEqualTo(1);
		assertThat(body.get("jobs").get("pausedQueues").size()).isZero();
		JsonNode nightly = body.get("schedules").get("nightly");
		assertThat(Instant.parse(nightly.get("nextFireAt").asString())).isAfter(Instant.now());
		assertThat(nightly.get("lastFireAt") == null || nightly.get("lastFireAt").isNull()).isTrue();
	}

	@Test
	@Order(2)
	void readsOnePart() {
		Response consumers = app.get("/actuator/jetway/consumers");
		assertThat(consumers.status()).isEqualTo(200);
		assertThat(consumers.json().get(0).get("name").asString()).isEqualTo("orders-handler");
		assertThat(app.get("/actuator/jetway/deadLetters").json().get("total").asLong()).isEqualTo(1);
		assertThat(app.get("/actuator/jetway/nothing").status()).isEqualTo(404);
	}

	@Test
	@Order(3)
	void theAggregateHealthIsDegradedWithHttp200WhileADeadLetterWaits() {
		Response health = app.get("/actuator/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.json().get("status").asString()).isEqualTo("DEGRADED");
		JsonNode jetway = health.json().get("components").get("jetway");
		assertThat(jetway.get("status").asString()).isEqualTo("DEGRADED");
		assertThat(jetway.get("details").get("deadLetters").get("status").asString()).isEqualTo("DEGRADED");
		assertThat(health.json().get("components").get("nats").get("status").asString()).isEqualTo("UP");
	}

	@Test
	@Order(10)
	void pausesAndResumesAListener() {
		JetStreamListenerRegistry registry = bean(JetStreamListenerRegistry.class);
		Response paused = app.post("/actuator/jetway/listeners/orders-handler/pause", "");
		assertThat(paused.status()).isEqualTo(200);
		assertThat(paused.json().get("changed").asInt()).isEqualTo(1);
		assertThat(registry.getContainer("orders-handler").isPaused()).isTrue();
		assertThat(
				find(app.get("/actuator/jetway/consumers").json(), "name", "orders-handler").get("paused").asBoolean())
			.isTrue();
		assertThat(app.post("/actuator/jetway/listeners/orders-handler/resume", "").json().get("changed").asInt())
			.isEqualTo(1);
		assertThat(registry.getContainer("orders-handler").isPaused()).isFalse();
		assertThat(app.post("/actuator/jetway/listeners/unknown/pause", "").json().get("changed").asInt()).isZero();
	}

	@Test
	@Order(11)
	void pausesAndResumesAJobQueue() {
		JobClient jobs = bean(JobClient.class);
		assertThat(app.post("/actuator/jetway/queues/reports/pause", "").status()).isEqualTo(200);
		assertThat(jobs.isPaused("reports")).isTrue();
		assertThat(app.get("/actuator/jetway/jobs").json().get("pausedQueues").get(0).asString()).isEqualTo("reports");
		assertThat(app.post("/actuator/jetway/queues/reports/resume", "").status()).isEqualTo(200);
		assertThat(jobs.isPaused("reports")).isFalse();
	}

	@Test
	@Order(12)
	void retriesAFailedJob() {
		ActuateTestSupport.ReportJobs.failing = false;
		Response retried = app.post("/actuator/jetway/jobs/" + failedJob + "/retry", "");
		assertThat(retried.status()).isEqualTo(200);
		assertThat(retried.json().get("changed").asInt()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(15)).until(() -> state(failedJob) == JobState.COMPLETED);
		// only a failed job is retried
		assertThat(app.post("/actuator/jetway/jobs/" + completedJob + "/retry", "").json().get("changed").asInt())
			.isZero();
		assertThat(app.post("/actuator/jetway/jobs/not-a-uuid/retry", "").status()).isEqualTo(400);
	}

	@Test
	@Order(13)
	void cancelsAScheduledJob() {
		Response cancelled = app.delete("/actuator/jetway/jobs/" + scheduledJob);
		assertThat(cancelled.status()).isEqualTo(200);
		assertThat(cancelled.json().get("changed").asInt()).isEqualTo(1);
		assertThat(state(scheduledJob)).isEqualTo(JobState.CANCELLED);
		assertThat(app.delete("/actuator/jetway/jobs/" + completedJob).json().get("changed").asInt()).isZero();
	}

	@Test
	@Order(14)
	void republishesADeadLetterBySequence() throws Exception {
		long sequence = dlqFirstSequence();
		int handled = ActuateTestSupport.OrdersListener.handled.size();
		Response republished = app.post("/actuator/jetway/dead-letters/" + sequence + "/republish", "");
		assertThat(republished.status()).isEqualTo(200);
		assertThat(republished.json().get("changed").asInt()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> ActuateTestSupport.OrdersListener.handled.size() == handled + 1);
		assertThat(ActuateTestSupport.OrdersListener.handled).contains("dead");
		assertThat(deadLetters()).isZero();
		assertThat(
				app.post("/actuator/jetway/dead-letters/" + sequence + "/republish", "").json().get("changed").asInt())
			.isZero();
	}

	@Test
	@Order(15)
	void republishesTheDeadLettersOfAConsumerUpToTheLimit() throws Exception {
		ActuateTestSupport.OrdersListener.failing = true;
		ActuateTestSupport.publish(nats, "orders.created", "dead again", 3);
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters() == 3);
		ActuateTestSupport.OrdersListener.failing = false;
		Response republished = app.post("/actuator/jetway/consumers/orders-handler/republish-dead-letters",
				"{\"limit\": 2}");
		assertThat(republished.status()).isEqualTo(200);
		assertThat(republished.json().get("changed").asInt()).isEqualTo(2);
		assertThat(deadLetters()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> ActuateTestSupport.OrdersListener.handled.stream().filter("dead again"::equals).count() == 2);
		assertThat(app.post("/actuator/jetway/consumers/orders-handler/republish-dead-letters", "")
			.json()
			.get("changed")
			.asInt()).isEqualTo(1);
		assertThat(deadLetters()).isZero();
	}

	@Test
	@Order(16)
	void republishesFailedOutboxRows() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			connection.jetStreamManagement()
				.addStream(StreamConfiguration.builder().name("NOWHERE").subjects("nowhere.>").build());
		}
		Response republished = app.post("/actuator/jetway/outbox/failed/republish", "");
		assertThat(republished.status()).isEqualTo(200);
		assertThat(republished.json().get("changed").asInt()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "sent".equals(new JdbcTemplate(database.dataSource())
				.queryForObject("SELECT status FROM jetway_outbox WHERE subject = 'nowhere.created'", String.class)));
		assertThat(outboxRows("failed")).isZero();
		assertThat(app.post("/actuator/jetway/outbox/" + UUID.randomUUID() + "/republish", "")
			.json()
			.get("changed")
			.asInt()).isZero();
	}

	@Test
	@Order(17)
	void refusesUnknownActions() {
		assertThat(app.post("/actuator/jetway/listeners/orders-handler/explode", "").status()).isEqualTo(400);
		assertThat(app.delete("/actuator/jetway/listeners/orders-handler").status()).isEqualTo(400);
	}

	@Test
	@Order(18)
	void runsAScheduledJobNow() {
		UUID later = bean(JobClient.class).enqueue("report", "later",
				JobOptions.builder().delay(Duration.ofHours(1)).build());
		Response started = app.post("/actuator/jetway/jobs/" + later + "/run-now", "");
		assertThat(started.status()).isEqualTo(200);
		assertThat(started.json().get("changed").asInt()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(15)).until(() -> state(later) == JobState.COMPLETED);
		// only a scheduled job is run now
		assertThat(app.post("/actuator/jetway/jobs/" + later + "/run-now", "").json().get("changed").asInt()).isZero();
	}

	@Test
	@Order(19)
	void discardsADeadLetterWithoutRepublishingIt() throws Exception {
		ActuateTestSupport.OrdersListener.failing = true;
		ActuateTestSupport.publish(nats, "orders.created", "discard me", 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters() == 1);
		ActuateTestSupport.OrdersListener.failing = false;
		long sequence = dlqFirstSequence();
		Response discarded = app.delete("/actuator/jetway/dead-letters/" + sequence);
		assertThat(discarded.status()).isEqualTo(200);
		assertThat(discarded.json().get("changed").asInt()).isEqualTo(1);
		assertThat(deadLetters()).isZero();
		assertThat(ActuateTestSupport.OrdersListener.handled).doesNotContain("discard me");
		assertThat(app.delete("/actuator/jetway/dead-letters/" + sequence).json().get("changed").asInt()).isZero();
	}

	private static <T> T bean(Class<T> type) {
		return app.context().getBean(type);
	}

	private static JobState state(UUID id) {
		return bean(JobClient.class).status(id).map(JobStatus::status).orElse(null);
	}

	private static long outboxRows(String status) {
		Long count = new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT COUNT(*) FROM jetway_outbox WHERE status = ?", Long.class, status);
		return (count != null) ? count : 0;
	}

	private static long deadLetters() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			return connection.jetStreamManagement().getStreamInfo("JETWAY_DLQ").getStreamState().getMsgCount();
		}
	}

	private static long dlqFirstSequence() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			return connection.jetStreamManagement().getStreamInfo("JETWAY_DLQ").getStreamState().getFirstSequence();
		}
	}

	private static List<String> names(JsonNode node) {
		List<String> names = new ArrayList<>();
		node.propertyNames().forEach(names::add);
		return names;
	}

	private static JsonNode find(JsonNode array, String field, String value) {
		for (JsonNode element : array) {
			if (value.equals(element.get(field).asString())) {
				return element;
			}
		}
		throw new AssertionError("No element with " + field + " = " + value + " in " + array);
	}

}
