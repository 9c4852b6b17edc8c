package io.jetway.jobs.ojs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.jobs.ojs.OjsTestApplication.Response;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.jobs.ojs.OjsBindingTests.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OJS level 0 as the public conformance suite (v0.4.0, suites/level-0-core) checks it,
 * where OjsBindingTests does not (PostgreSQL, NATS): client-provided ids and duplicates,
 * priority, unknown envelope fields, the type and queue patterns, the events endpoint,
 * the error's type after FAIL, the error catalogue's fields and ACK of a job that is not
 * active.
 */
class OjsLevelZeroTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final AtomicInteger queues = new AtomicInteger();

	/** Declared, so it need not follow the binding's queue pattern. */
	private static final String DECLARED_QUEUE = "Legacy_Queue";

	private static TestDatabaseInstance database;

	private static OjsTestApplication app;

	@BeforeAll
	static void start() throws Exception {
		database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		app = OjsTestApplication.start(database, nats.url(), "jetway.jobs.queues." + DECLARED_QUEUE + ".external=true");
	}

	@AfterAll
	static void stop() throws Exception {
		app.close();
		OjsTestApplication.reset(database, nats.url());
	}

	private static String queue() {
		return "ojs-level-zero-" + queues.incrementAndGet();
	}

	private static Response push(Map<String, Object> envelope) {
		return app.post("/ojs/v1/jobs", envelope);
	}

	private static Map<String, Object> envelope(String queue, Object... more) {
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("type", "test.echo");
		envelope.put("args", List.of("hello"));
		envelope.put("options", Map.of("queue", queue));
		for (int i = 0; i < more.length; i += 2) {
			envelope.put((String) more[i], more[i + 1]);
		}
		return envelope;
	}

	@Test
	void aClientProvidedIdIsTheJobsIdAndASecondPushWithItIsADuplicate() {
		String queue = queue();
		String id = "019539a4-aaaa-7000-8000-" + String.format("%012d", queues.get());
		Response pushed = push(envelope(queue, "id", id));
		assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
		assertThat(pushed.text("/job/id")).isEqualTo(id);
		assertThat(pushed.text("/job/state")).isEqualTo("available");
		assertThat(app.info(id).text("/job/args/0")).isEqualTo("hello");

		assertError(push(envelope(queue, "id", id, "args", List.of("again"))), 409, "duplicate");
		assertThat(app.info(id).text("/job/args/0")).isEqualTo("hello");
		// a batch holding a duplicate enqueues none of its jobs
		String other = "019539a4-bbbb-7000-8000-" + String.format("%012d", queues.get());
		assertError(
				app.post("/ojs/v1/jobs/batch",
						Map.of("jobs", List.of(envelope(queue, "id", other), envelope(queue, "id", id)))),
				409, "duplicate");
		assertError(app.info(other), 404, "not_found");

		// a UUID that is not a lowercase UUIDv7 is refused
		for (String invalid : List.of("550e8400-e29b-41d4-a716-446655440000", "not-a-uuid-at-all",
				"019461A8-1A2B-7C3D-8E4F-5A6B7C8D9E0F", "")) {
			assertError(push(envelope(queue, "id", invalid)), 400, "invalid_payload");
		}
	}

	@Test
	void theIdOfADeletedDeadLetterPushedAgainAtOnceIsFetched() {
		String queue = queue();
		String id = "019539a4-cccc-7000-8000-" + String.format("%012d", queues.get());
		Map<String, Object> once = envelope(queue, "id", id, "options",
				Map.of("queue", queue, "retry", Map.of("max_attempts", 1)));
		assertThat(push(once).status()).isEqualTo(201);
		assertThat(app.awaitFetch(queue).text("/jobs/0/id")).isEqualTo(id);
		Response failed = app.post("/ojs/v1/workers/nack",
				Map.of("job_id", id, "error", Map.of("code", "boom", "message", "failing on purpose")));
		assertThat(failed.status()).as(failed.body()).isEqualTo(200);
		assertThat(app.info(id).text("/job/state")).isEqualTo("discarded");
		assertThat(app.delete("/ojs/v1/dead-letter/" + id).status()).isEqualTo(200);

		// within the jobs stream's duplicate window of the first job's message
		Response again = push(once);
		assertThat(again.status()).as(again.body()).isEqualTo(201);
		assertThat(app.awaitFetch(queue).text("/jobs/0/id")).isEqualTo(id);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id)).text("/state")).isEqualTo("completed");
	}

	@Test
	void priorityFromMinus100To100IsStoredAndEchoed() {
		String queue = queue();
		assertThat(push(envelope(queue)).json().at("/job/priority").intValue()).isZero();
		for (int priority : new int[] { -100, -10, 0, 10, 100 }) {
			Response pushed = push(envelope(queue, "options", Map.of("queue", queue, "priority", priority)));
			assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
			assertThat(pushed.json().at("/job/priority").intValue()).isEqualTo(priority);
			assertThat(app.info(pushed.text("/job/id")).json().at("/job/priority").intValue()).isEqualTo(priority);
		}
		for (Object invalid : List.of(101, -101, 999999, "high", 1.5)) {
			assertError(push(envelope(queue, "options", Map.of("queue", queue, "priority", invalid))), 400,
					"invalid_payload");
		}
	}

	@Test
	void unknownEnvelopeFieldsArePreservedAndSystemFieldsAreNotTakenFromThePush() {
		String queue = queue();
		Response pushed = push(envelope(queue, "x_custom_field", "custom_value", "x_future_spec_attribute",
				Map.of("nested", true, "version", "2.0.0"), "x_numeric_extension", 42, "state", "completed", "attempt",
				7));
		assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
		String id = pushed.text("/job/id");
		for (Response answer : List.of(pushed, app.info(id))) {
			assertThat(answer.text("/job/x_custom_field")).isEqualTo("custom_value");
			assertThat(answer.json().at("/job/x_future_spec_attribute/nested").booleanValue()).isTrue();
			assertThat(answer.text("/job/x_future_spec_attribute/version")).isEqualTo("2.0.0");
			assertThat(answer.json().at("/job/x_numeric_extension").intValue()).isEqualTo(42);
			assertThat(answer.text("/job/state")).isEqualTo("available");
			assertThat(answer.json().at("/job/attempt").intValue()).isZero();
		}
		assertThat(app.awaitFetch(queue).text("/jobs/0/x_custom_field")).isEqualTo("custom_value");
		String stored = new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT ojs_envelope FROM jetway_jobs WHERE id = ?::uuid", String.class, id);
		assertThat(stored).contains("x_custom_field").doesNotContain("\"state\"");
	}

	@Test
	void typesAndQueuesFollowTheBindingsPatterns() {
		String queue = queue();
		for (String type : List.of("Email.Send", "email send", "1email.send", "", "email@send!", "email..send",
				"-email.send")) {
			Response refused = push(envelope(queue, "type", type));
			assertError(refused, 400, "invalid_payload");
		}
		// '-' too: the suite's own level-1 types have it
		assertThat(push(envelope(queue, "type", "email_v2.send_now")).status()).isEqualTo(201);
		assertThat(push(envelope(queue, "type", "retry.test.max-attempts")).status()).isEqualTo(201);
		for (String invalid : List.of("Default", "my_queue!", "-invalid", "my queue", "my_queue", "q".repeat(129))) {
			assertError(push(envelope(invalid)), 400, "invalid_queue");
		}
		// a queue declared under jetway.jobs.queues keeps its name
		Response declared = push(envelope(DECLARED_QUEUE));
		assertThat(declared.status()).as(declared.body()).isEqualTo(201);
		assertThat(declared.text("/job/queue")).isEqualTo(DECLARED_QUEUE);
	}

	@Test
	void eventsListTheLifecycleOfJobsAsOjsEventsFilteredByTypeAndQueue() throws Exception {
		String queue = queue();
		String id = push(envelope(queue, "meta", Map.of("tenant", "acme"))).text("/job/id");
		app.awaitFetch(queue);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id, "result", Map.of("ok", true))).status())
			.isEqualTo(200);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> app.get("/ojs/v1/events?types=job.completed&queues=" + queue + "&limit=10")
				.json()
				.at("/events")
				.size() == 1);
		Response completed = app.get("/ojs/v1/events?types=job.completed&queues=" + queue + "&limit=10");
		assertThat(completed.status()).isEqualTo(200);
		assertThat(completed.contentType()).startsWith("application/openjobspec+json");
		assertThat(completed.text("/events/0/type")).isEqualTo("job.completed");
		assertThat(completed.text("/events/0/subject")).isEqualTo(id);
		assertThat(completed.text("/events/0/data/job_id")).isEqualTo(id);
		assertThat(completed.text("/events/0/data/job_type")).isEqualTo("test.echo");
		assertThat(completed.text("/events/0/data/queue")).isEqualTo(queue);
		assertThat(completed.json().at("/events/0/data/attempt").intValue()).isEqualTo(1);
		assertThat(completed.json().at("/events/0/data/duration_ms").isIntegralNumber()).isTrue();
		assertThat(completed.text("/events/0/data/meta/tenant")).isEqualTo("acme");
		// newest first: completed, started, enqueued
		Response all = app.get("/ojs/v1/events?queues=" + queue);
		assertThat(all.json().at("/events").valueStream().map((event) -> event.path("type").asString()))
			.containsExactly("job.completed", "job.started", "job.enqueued");
		assertThat(app.get("/ojs/v1/events?types=job.enqueued,job.started&queues=" + queue + "&limit=1")
			.json()
			.at("/events")
			.valueStream()
			.map((event) -> event.path("type").asString())).containsExactly("job.started");

		// another instance's events arrive over NATS like this instance's own
		String elsewhere = queue();
		try (Connection connection = Nats.connect(nats.url())) {
			connection.publish("jetway.jobs.events.failed",
					("{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"report.build\",\"queue\":\"" + elsewhere
							+ "\",\"status\":\"failed\",\"attempts\":3,\"error\":\"{\\\"code\\\":\\\"boom\\\"}\"}")
						.getBytes(StandardCharsets.UTF_8));
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> app.get("/ojs/v1/events?queues=" + elsewhere).json().at("/events").size() == 1);
		Response discarded = app.get("/ojs/v1/events?queues=" + elsewhere);
		assertThat(discarded.text("/events/0/type")).isEqualTo("job.discarded");
		assertThat(discarded.text("/events/0/data/error/code")).isEqualTo("boom");

		assertError(app.get("/ojs/v1/events?limit=0"), 400, "invalid_request");
		assertError(app.get("/ojs/v1/events?limit=1001"), 400, "invalid_request");
	}

	@Test
	void theErrorOfAFailedAttemptHasAType() {
		String queue = queue();
		String id = push(envelope(queue, "options", Map.of("queue", queue, "retry", Map.of("max_attempts", 3))))
			.text("/job/id");
		app.awaitFetch(queue);
		Response failed = app.post("/ojs/v1/workers/nack",
				Map.of("job_id", id, "error", Map.of("code", "handler_error", "message", "Connection refused",
						"retryable", true, "details", Map.of("error_class", "SmtpConnectionError"))));
		assertThat(failed.status()).as(failed.body()).isEqualTo(200);
		Response info = app.info(id);
		assertThat(info.text("/job/error/type")).isEqualTo("handler_error");
		assertThat(info.text("/job/error/message")).isEqualTo("Connection refused");
		assertThat(info.text("/job/error/details/error_class")).isEqualTo("SmtpConnectionError");

		// a worker's own type is kept
		String typed = push(envelope(queue)).text("/job/id");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> app.fetch(queue, 30_000)
				.json()
				.at("/jobs")
				.valueStream()
				.anyMatch((job) -> typed.equals(job.path("id").asString())));
		app.post("/ojs/v1/workers/nack",
				Map.of("job_id", typed, "error", Map.of("type", "SmtpError", "message", "no", "retryable", false)));
		assertThat(app.info(typed).text("/job/error/type")).isEqualTo("SmtpError");
	}

	@Test
	void errorsCarryAHintAndADocsUrl() {
		Response missing = app.info("019539a4-0000-7000-8000-ffffffffffff");
		assertError(missing, 404, "not_found");
		assertThat(missing.text("/error/hint")).isNotBlank();
		assertThat(missing.text("/error/docs_url")).isEqualTo("https://openjobspec.org/errors/NOT_FOUND");
	}

	@Test
	void ackOfAJobThatIsNotActiveIsAConflict() {
		String id = push(envelope(queue())).text("/job/id");
		Response refused = app.post("/ojs/v1/workers/ack", Map.of("job_id", id));
		assertError(refused, 409, "conflict");
		assertThat(refused.text("/error/details/current_state")).isEqualTo("available");
		assertError(app.post("/ojs/v1/workers/nack", Map.of("job_id", id, "error", Map.of("message", "x"))), 409,
				"conflict");
	}

}
