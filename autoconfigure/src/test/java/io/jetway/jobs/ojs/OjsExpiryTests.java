package io.jetway.jobs.ojs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobState;
import io.jetway.jobs.ojs.OjsTestApplication.Response;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.jetway.jobs.ojs.OjsBindingTests.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OJS job expiry ({@code expires_at}, conformance level 2, PostgreSQL and NATS): a job
 * whose expiry passed before a worker fetched it is discarded, never served; one that has
 * not expired runs as usual.
 */
class OjsExpiryTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final AtomicInteger queues = new AtomicInteger();

	private static final String IN_PROCESS_QUEUE = "ojs-expiry-in-process";

	private static TestDatabaseInstance database;

	private static OjsTestApplication app;

	@BeforeAll
	static void start() throws Exception {
		database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		app = OjsTestApplication.start(database, nats.url(),
				"jetway.jobs.queues." + IN_PROCESS_QUEUE + ".external=false");
	}

	@AfterAll
	static void stop() throws Exception {
		app.close();
		OjsTestApplication.reset(database, nats.url());
	}

	private static String queue() {
		return "ojs-expiry-" + queues.incrementAndGet();
	}

	@Test
	void aJobExpiredBeforeItIsFetchedIsDiscardedByTheFetchNotServed() {
		String queue = queue();
		Response pushed = pushExpiring(queue, "+PT1S");
		assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
		assertThat(pushed.text("/job/state")).isEqualTo("available");
		String id = pushed.text("/job/id");
		awaitExpiry(pushed);

		assertThat(app.fetch(queue, 30_000).json().at("/jobs").size()).isZero();
		// the fetch discarded it, not the INFO below
		assertThat(status(id)).isEqualTo(JobState.FAILED);
		Response info = app.info(id);
		assertThat(info.text("/job/state")).isEqualTo("discarded");
		assertThat(info.json().at("/job/completed_at").isMissingNode()).isTrue();
		assertThat(info.text("/job/discarded_at")).isNotEmpty();
		assertThat(info.text("/job/error/code")).isEqualTo("expired");
		assertThat(info.text("/job/expires_at")).isEqualTo(pushed.text("/job/expires_at"));
		awaitDiscardedEvent(queue, id);
		// its message was acknowledged: a job pushed later is the next one served
		String next = app.push("test.echo", queue).text("/job/id");
		assertThat(app.awaitFetch(queue).text("/jobs/0/id")).isEqualTo(next);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", next)).status()).isEqualTo(200);
	}

	@Test
	void anExpiredJobIsShownDiscardedBeforeAnyFetch() {
		String queue = queue();
		Response pushed = pushExpiring(queue, Instant.now().plusSeconds(1).toString());
		String id = pushed.text("/job/id");
		awaitExpiry(pushed);

		Response info = app.info(id);
		assertThat(info.text("/job/state")).isEqualTo("discarded");
		assertThat(status(id)).isEqualTo(JobState.FAILED);
		awaitDiscardedEvent(queue, id);
		assertThat(app.fetch(queue, 30_000).json().at("/jobs").size()).isZero();
	}

	@Test
	void anExpiredJobIsNotRetriedFromTheDeadLetters() {
		String queue = queue();
		Response pushed = pushExpiring(queue, "+PT1S");
		String id = pushed.text("/job/id");
		awaitExpiry(pushed);
		assertThat(app.info(id).text("/job/state")).isEqualTo("discarded");

		// a retry would be discarded again at its next FETCH
		Response retried = app.post("/ojs/v1/dead-letter/" + id + "/retry", "");
		assertError(retried, 409, "conflict");
		assertThat(retried.text("/error/message")).contains("expired").contains(pushed.text("/job/expires_at"));
		assertThat(status(id)).isEqualTo(JobState.FAILED);
	}

	@Test
	void aRetryWaitingPastItsExpiryIsDiscarded() {
		String queue = queue();
		Response pushed = pushExpiring(queue, "+PT2S");
		String id = pushed.text("/job/id");
		assertThat(app.awaitFetch(queue).text("/jobs/0/id")).isEqualTo(id);
		Response failed = app.post("/ojs/v1/workers/nack", Map.of("job_id", id, "error", Map.of("message", "again")));
		assertThat(failed.status()).as(failed.body()).isEqualTo(200);
		awaitExpiry(pushed);

		assertThat(app.fetch(queue, 30_000).json().at("/jobs").size()).isZero();
		assertThat(status(id)).isEqualTo(JobState.FAILED);
		assertThat(app.info(id).text("/job/state")).isEqualTo("discarded");
	}

	@Test
	void aJobNotExpiredRunsAndShowsItsExpiry() {
		String queue = queue();
		Response pushed = pushExpiring(queue, "2099-12-31T23:59:59Z");
		assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
		assertThat(pushed.text("/job/state")).isEqualTo("available");
		assertThat(pushed.text("/job/expires_at")).isEqualTo("2099-12-31T23:59:59Z");
		String id = pushed.text("/job/id");
		Response fetched = app.awaitFetch(queue);
		assertThat(fetched.text("/jobs/0/id")).isEqualTo(id);
		assertThat(fetched.text("/jobs/0/expires_at")).isEqualTo("2099-12-31T23:59:59Z");
		Response acked = app.post("/ojs/v1/workers/ack", Map.of("job_id", id, "result", Map.of("ok", true)));
		assertThat(acked.status()).isEqualTo(200);
		assertThat(acked.text("/state")).isEqualTo("completed");
		assertThat(app.info(id).text("/job/completed_at")).isNotEmpty();
		// a job without expires_at shows none
		String plain = app.push("test.echo", queue).text("/job/id");
		assertThat(app.info(plain).json().at("/job/expires_at").isMissingNode()).isTrue();
		app.delete("/ojs/v1/jobs/" + plain);
	}

	@Test
	void anInvalidExpiryOrOneForAnInProcessQueueIsRefused() {
		assertError(pushExpiring(queue(), "tomorrow"), 400, "invalid_payload");
		assertThat(pushExpiring(queue(), "tomorrow").text("/error/details/field")).isEqualTo("expires_at");
		// as for scheduled_at: before 9999 (a MySQL DATETIME holds no later year)
		Response tooLate = pushExpiring(queue(), "+P3650000D");
		assertError(tooLate, 400, "invalid_payload");
		assertThat(tooLate.text("/error/message")).contains("9999-01-01T00:00:00Z");
		Response inProcess = app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "options",
				Map.of("queue", IN_PROCESS_QUEUE, "expires_at", "+PT1H")));
		assertError(inProcess, 400, "invalid_payload");
		assertThat(inProcess.text("/error/message")).contains(IN_PROCESS_QUEUE).contains("external");
	}

	@Test
	void aTimeBeyondTheInstantRangeIsRefusedNamingItsField() {
		Response expiry = pushExpiring(queue(), "+P1000000000000D");
		assertError(expiry, 400, "invalid_payload");
		assertThat(expiry.text("/error/details/field")).isEqualTo("expires_at");
		Response scheduled = app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "options",
				Map.of("queue", queue()), "scheduled_at", "+P1000000000000D"));
		assertError(scheduled, 400, "invalid_payload");
		assertThat(scheduled.text("/error/details/field")).isEqualTo("scheduled_at");
	}

	@Test
	void aTopLevelUniquePolicyIsRefusedAsUnsupported() {
		Response unique = app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "options",
				Map.of("queue", queue()), "unique", Map.of("keys", List.of("type"))));
		assertError(unique, 422, "unsupported");
		assertThat(unique.text("/error/details/field")).isEqualTo("unique");
		assertThat(unique.text("/error/message")).contains("unique");
	}

	private static Response pushExpiring(String queue, String expiresAt) {
		return app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of("expiring"), "options",
				Map.of("queue", queue, "expires_at", expiresAt)));
	}

	/** Waits until the job's expiry (as the PUSH answered it) has passed. */
	private static void awaitExpiry(Response pushed) {
		Instant expiresAt = Instant.parse(pushed.text("/job/expires_at"));
		await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expiresAt));
	}

	/**
	 * Waits for the job's one {@code job.discarded} event, with the expiry's error code.
	 */
	private static void awaitDiscardedEvent(String queue, String id) {
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(
					app.get("/ojs/v1/events?types=job.discarded&queues=" + queue).json().at("/events").valueStream())
				.singleElement()
				.satisfies((event) -> {
					assertThat(event.path("subject").asString()).isEqualTo(id);
					assertThat(event.at("/data/error/code").asString()).isEqualTo("expired");
				}));
	}

	private static JobState status(String id) {
		return app.context().getBean(JobClient.class).status(UUID.fromString(id)).orElseThrow().status();
	}

}
