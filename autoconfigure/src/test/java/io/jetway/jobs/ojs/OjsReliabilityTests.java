package io.jetway.jobs.ojs;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.jobs.ojs.OjsTestApplication.Response;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.jobs.ojs.OjsBindingTests.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OJS level 1 ("reliable") against PostgreSQL and NATS: a job's retry policy
 * ({@code options.retry}), its error history, its execution timeout ({@code timeout_ms})
 * and visibility timeout ({@code visibility_timeout_ms}), FAIL with {@code requeue}, and
 * the worker states heartbeats answer.
 */
class OjsReliabilityTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final String ADMIN_KEY = "reliability-admin-key";

	private static final AtomicInteger queues = new AtomicInteger();

	private static TestDatabaseInstance database;

	private static OjsTestApplication app;

	@BeforeAll
	static void start() throws Exception {
		database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		app = OjsTestApplication.start(database, nats.url(), "jetway.jobs.ojs.admin-key=" + ADMIN_KEY,
				"jetway.jobs.ojs.conformance-test-directives-enabled=true");
	}

	@AfterAll
	static void stop() throws Exception {
		app.close();
		OjsTestApplication.reset(database, nats.url());
	}

	private static String queue() {
		return "ojs-reliability-" + queues.incrementAndGet();
	}

	private static String push(String queue, Map<String, Object> options) {
		Map<String, Object> all = new LinkedHashMap<>(options);
		all.put("queue", queue);
		Response pushed = app.post("/ojs/v1/jobs",
				Map.of("type", "test.fail_always", "args", List.of(), "options", all));
		assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
		return pushed.text("/job/id");
	}

	private static Response fail(String id, Map<String, Object> error) {
		Response failed = app.post("/ojs/v1/workers/nack", Map.of("job_id", id, "error", error));
		assertThat(failed.status()).as(failed.body()).isEqualTo(200);
		return failed;
	}

	private static Response fetchJob(String queue, String id) {
		Response[] fetched = new Response[1];
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			fetched[0] = app.post("/ojs/v1/workers/fetch", Map.of("queues", List.of(queue), "worker_id", "w-rel"));
			return fetched[0].json().at("/jobs").size() == 1;
		});
		assertThat(fetched[0].text("/jobs/0/id")).isEqualTo(id);
		return fetched[0];
	}

	private static Map<String, Object> error(String message) {
		return Map.of("code", "handler_error", "message", message, "retryable", true);
	}

	@Test
	void aRetryPolicysDelaysGrowByItsCoefficientUpToItsMaxIntervalAndAreAnswered() {
		String queue = queue();
		String id = push(queue, Map.of("retry", Map.of("max_attempts", 4, "initial_interval", "PT0.3S",
				"backoff_coefficient", 10.0, "max_interval", "PT0.8S", "jitter", false)));
		fetchJob(queue, id);
		Response first = fail(id, error("first"));
		assertThat(first.text("/state")).isEqualTo("retryable");
		assertThat(first.json().at("/attempt").intValue()).isEqualTo(1);
		assertThat(first.json().at("/retry_delay_ms").longValue()).isEqualTo(300);
		Response second = fetchJob(queue, id);
		assertThat(second.json().at("/jobs/0/attempt").intValue()).isEqualTo(2);
		assertThat(second.json().at("/jobs/0/retry_delay_ms").longValue()).isBetween(299L, 301L);
		// 3 s computed, capped at 0.8 s
		assertThat(fail(id, error("second")).json().at("/retry_delay_ms").longValue()).isEqualTo(800);
		fetchJob(queue, id);
		fail(id, error("third"));
		fetchJob(queue, id);
		Response last = fail(id, error("fourth"));
		assertThat(last.text("/state")).isEqualTo("discarded");
		assertThat(last.json().at("/attempt").intValue()).isEqualTo(4);
		assertThat(last.json().has("retry_delay_ms")).isFalse();
	}

	@Test
	void aLinearPolicysDelaysGrowByItsInitialInterval() {
		String queue = queue();
		String linear = push(queue, Map.of("retry", Map.of("max_attempts", 3, "initial_interval", "PT0.2S",
				"backoff_strategy", "linear", "jitter", false)));
		fetchJob(queue, linear);
		assertThat(fail(linear, error("1")).json().at("/retry_delay_ms").longValue()).isEqualTo(200);
		fetchJob(queue, linear);
		assertThat(fail(linear, error("2")).json().at("/retry_delay_ms").longValue()).isEqualTo(400);

	}

	@Test
	void anInvalidRetryPolicyIsRefusedWith422NamingTheField() {
		String queue = queue();
		Map<String, Map<String, Object>> invalid = Map.of("backoff_coefficient",
				Map.of("max_attempts", 3, "backoff_coefficient", 0.5), "max_attempts", Map.of("max_attempts", -1),
				"initial_interval", Map.of("initial_interval", "1s"), "max_interval",
				Map.of("initial_interval", "PT10S", "max_interval", "PT1S"), "on_exhaustion",
				Map.of("on_exhaustion", "archive"), "non_retryable_errors", Map.of("non_retryable_errors", "auth.*"));
		invalid.forEach((field, retry) -> {
			Response refused = app.post("/ojs/v1/jobs",
					Map.of("type", "test.echo", "args", List.of(), "options", Map.of("queue", queue, "retry", retry)));
			assertError(refused, 422, "validation_error");
			assertThat(refused.text("/error/type")).isEqualTo("validation_error");
			assertThat(refused.text("/error/message")).contains(field);
		});
		assertError(app.post("/ojs/v1/jobs",
				Map.of("type", "test.echo", "args", List.of(), "options", Map.of("queue", queue, "timeout_ms", 0))),
				422, "validation_error");
		// max_attempts 0: no retry, as 1
		Response once = app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "options",
				Map.of("queue", queue, "retry", Map.of("max_attempts", 0))));
		assertThat(once.status()).as(once.body()).isEqualTo(201);
		assertThat(once.json().at("/job/max_attempts").intValue()).isEqualTo(1);
		app.delete("/ojs/v1/jobs/" + once.text("/job/id"));
	}

	@Test
	void nonRetryableErrorsMatchExactlyOrByPrefixAndEndTheJobAtOnce() {
		String queue = queue();
		Map<String, Object> policy = Map.of("retry", Map.of("max_attempts", 5, "initial_interval", "PT0.1S",
				"non_retryable_errors", List.of("auth.*", "validation.payload_invalid"), "jitter", false));
		String prefixed = push(queue, policy);
		fetchJob(queue, prefixed);
		Response discarded = fail(prefixed,
				Map.of("code", "handler_error", "type", "auth.token_expired", "message", "expired", "retryable", true));
		assertThat(discarded.text("/state")).isEqualTo("discarded");
		assertThat(discarded.json().at("/attempt").intValue()).isEqualTo(1);

		String byClass = push(queue, policy);
		fetchJob(queue, byClass);
		assertThat(
				fail(byClass,
						Map.of("code", "handler_error", "message", "bad", "details",
								Map.of("error_class", "validation.payload_invalid")))
					.text("/state"))
			.isEqualTo("discarded");

		// "auth" is not under "auth.": retried
		String other = push(queue, policy);
		fetchJob(queue, other);
		assertThat(fail(other, Map.of("code", "handler_error", "type", "auth", "message", "no")).text("/state"))
			.isEqualTo("retryable");
		fetchJob(queue, other);
		app.post("/ojs/v1/workers/ack", Map.of("job_id", other));
	}

	@Test
	void theErrorsOfFailedAttemptsAreKeptInOrderAndExhaustedJobsGoToTheDeadLettersOnlyWhenAsked() {
		String queue = queue();
		String id = push(queue, Map.of("retry", Map.of("max_attempts", 2, "initial_interval", "PT0.1S", "jitter", false,
				"on_exhaustion", "dead_letter")));
		fetchJob(queue, id);
		fail(id, Map.of("code", "handler_error", "type", "db.timeout", "message", "Database connection timed out",
				"retryable", true, "details", Map.of("host", "db.example.com")));
		Response retryable = app.info(id);
		assertThat(retryable.json().at("/job/errors").size()).isEqualTo(1);
		assertThat(retryable.json().at("/job/errors/0/attempt").intValue()).isEqualTo(1);
		assertThat(retryable.text("/job/errors/0/code")).isEqualTo("handler_error");
		assertThat(retryable.text("/job/errors/0/type")).isEqualTo("db.timeout");
		assertThat(retryable.text("/job/errors/0/message")).isEqualTo("Database connection timed out");
		assertThat(retryable.text("/job/errors/0/details/host")).isEqualTo("db.example.com");
		assertThat(Instant.parse(retryable.text("/job/errors/0/occurred_at"))).isBeforeOrEqualTo(Instant.now());
		fetchJob(queue, id);
		fail(id, error("API rate limit reached"));
		Response discarded = app.info(id);
		assertThat(discarded.text("/job/state")).isEqualTo("discarded");
		assertThat(discarded.json().at("/job/errors").findValuesAsString("message"))
			.containsExactly("Database connection timed out", "API rate limit reached");
		assertThat(discarded.json().at("/job/errors/1/attempt").intValue()).isEqualTo(2);
		Response deadLetters = app.get("/ojs/v1/dead-letter?queue=" + queue);
		assertThat(deadLetters.json().at("/jobs").findValuesAsString("id")).containsExactly(id);
		assertThat(deadLetters.json().at("/jobs/0/errors").size()).isEqualTo(2);

		// on_exhaustion discard (the default of a policy): discarded, not a dead letter
		String discardedOnly = push(queue, Map.of("retry", Map.of("max_attempts", 1, "initial_interval", "PT1S")));
		fetchJob(queue, discardedOnly);
		assertThat(fail(discardedOnly, error("once")).text("/state")).isEqualTo("discarded");
		assertThat(app.info(discardedOnly).text("/job/state")).isEqualTo("discarded");
		assertThat(app.get("/ojs/v1/dead-letter?queue=" + queue).json().at("/jobs").findValuesAsString("id"))
			.containsExactly(id);
		assertError(app.post("/ojs/v1/dead-letter/" + discardedOnly + "/retry", Map.of()), 404, "not_found");
	}

	@Test
	void anAttemptEndsAtItsTimeoutWhateverItsHeartbeatsAndProgressReports() {
		String queue = queue();
		String id = push(queue, Map.of("timeout_ms", 3000, "retry", Map.of("max_attempts", 2)));
		Response fetched = fetchJob(queue, id);
		Instant started = Instant.parse(fetched.text("/jobs/0/started_at"));
		// started_at is stored in microseconds
		assertThat(Instant.parse(fetched.text("/jobs/0/lease/expires_at"))).isBefore(started.plusMillis(3001));
		Response beat = app.post("/ojs/v1/workers/heartbeat",
				Map.of("worker_id", "w-rel", "active_jobs", List.of(id), "visibility_timeout_ms", 60_000));
		assertThat(beat.json().at("/jobs_extended").toString()).contains(id);
		Response progress = app.post("/ojs/v1/workers/progress",
				Map.of("job_id", id, "progress", 0.5, "visibility_timeout_ms", 60_000));
		assertThat(progress.status()).as(progress.body()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10)).until(() -> !"active".equals(app.info(id).text("/job/state")));
		Response timedOut = app.info(id);
		assertThat(timedOut.text("/job/state")).isIn("available", "retryable");
		assertThat(timedOut.text("/job/error/code")).isEqualTo("timeout");
		assertThat(timedOut.text("/job/errors/0/code")).isEqualTo("timeout");
		assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void aJobsVisibilityTimeoutIsItsLeaseAndAnExpiredLeaseMakesItAvailableAtOnce() {
		String queue = queue();
		String id = push(queue, Map.of("visibility_timeout_ms", 1000));
		Instant before = Instant.now();
		Response fetched = fetchJob(queue, id);
		assertThat(Instant.parse(fetched.text("/jobs/0/lease/expires_at"))).isBefore(before.plusSeconds(5));
		await().atMost(Duration.ofSeconds(10)).until(() -> !"active".equals(app.info(id).text("/job/state")));
		Response expired = app.info(id);
		assertThat(expired.text("/job/state")).isEqualTo("available");
		assertThat(expired.text("/job/error/code")).isEqualTo("handler_timeout");
		Response again = fetchJob(queue, id);
		assertThat(again.json().at("/jobs/0/attempt").intValue()).isEqualTo(2);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id)).status()).isEqualTo(200);
	}

	@Test
	void aRequeuingFailGivesTheJobBackWithItsAttemptUnspent() {
		String queue = queue();
		String id = push(queue, Map.of());
		fetchJob(queue, id);
		Response requeued = app.post("/ojs/v1/workers/nack", Map.of("job_id", id, "error",
				Map.of("code", "cancelled", "message", "terminating", "retryable", false), "requeue", true));
		assertThat(requeued.status()).as(requeued.body()).isEqualTo(200);
		assertThat(requeued.text("/state")).isEqualTo("available");
		assertThat(app.info(id).text("/job/state")).isEqualTo("available");
		Response again = fetchJob(queue, id);
		assertThat(again.json().at("/jobs/0/attempt").intValue()).isEqualTo(1);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id)).status()).isEqualTo(200);
	}

	@Test
	void heartbeatsAnswerTheStateTheWorkerIsAskedToBeIn() {
		String queue = queue();
		String id = push(queue, Map.of());
		fetchJob(queue, id);
		Map<String, Object> beat = Map.of("worker_id", "w-states", "active_jobs", List.of(id));
		assertThat(app.post("/ojs/v1/workers/heartbeat", beat).text("/state")).isEqualTo("running");
		app.header("X-Jetway-Admin-Key", ADMIN_KEY);
		try {
			assertThat(app.post("/ojs/v1/admin/workers/w-states/state", Map.of("state", "quiet")).text("/state"))
				.isEqualTo("quiet");
			assertThat(app.post("/ojs/v1/workers/heartbeat", beat).text("/state")).isEqualTo("quiet");
			assertThat(app.post("/ojs/v1/admin/workers/w-states/state", Map.of("state", "terminate")).text("/state"))
				.isEqualTo("terminate");
			// no way back from terminate
			assertThat(app.post("/ojs/v1/admin/workers/w-states/state", Map.of("state", "running")).text("/state"))
				.isEqualTo("terminate");
			assertError(app.post("/ojs/v1/admin/workers/w-states/state", Map.of("state", "sleep")), 400,
					"invalid_request");
		}
		finally {
			app.header("X-Jetway-Admin-Key", null);
		}
		assertError(app.post("/ojs/v1/admin/workers/w-states/state", Map.of("state", "quiet")), 401, "unauthenticated");
		assertThat(app.post("/ojs/v1/workers/heartbeat", beat).text("/state")).isEqualTo("terminate");
		app.post("/ojs/v1/workers/ack", Map.of("job_id", id));

		// the conformance suite's directive, with conformance-test-directives-enabled
		String quiet = push(queue, Map.of("metadata", Map.of("test_directive", "quiet")));
		fetchJob(queue, quiet);
		assertThat(app.post("/ojs/v1/workers/heartbeat", Map.of("worker_id", "w-rel", "active_jobs", List.of(quiet)))
			.text("/state")).isEqualTo("quiet");
		app.post("/ojs/v1/workers/ack", Map.of("job_id", quiet));
		new JdbcTemplate(database.dataSource()).update("DELETE FROM jetway_ojs_workers WHERE worker_id = 'w-rel'");
	}

	@Test
	void aRetryIntervalAboveTheLimitIsRefusedWith422() {
		Response refused = app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "options",
				Map.of("queue", queue(), "retry", Map.of("initial_interval", "PT1S", "max_interval", "P3000000D"))));
		assertError(refused, 422, "validation_error");
		assertThat(refused.text("/error/message")).contains("max_interval");
	}

	@Test
	void aHeartbeatsWorkerIdOfMoreThan255CharactersIsRefusedWith400AndNoLeaseIsExtended() {
		String queue = queue();
		String id = push(queue, Map.of());
		Response fetched = fetchJob(queue, id);
		Response refused = app.post("/ojs/v1/workers/heartbeat",
				Map.of("worker_id", "w".repeat(256), "active_jobs", List.of(id), "visibility_timeout_ms", 600_000));
		assertError(refused, 400, "invalid_request");
		assertThat(refused.text("/error/message")).contains("worker_id").contains("255");
		// the FETCH's lease of 30 s, not extended to 600 s
		assertThat(leaseExpiresAt(id)).isBefore(Instant.parse(fetched.text("/jobs/0/lease/expires_at")).plusSeconds(1));
		app.post("/ojs/v1/workers/ack", Map.of("job_id", id));
	}

	@Test
	void aFailWhoseRequeueIsNotABooleanIsRefusedWith400() {
		String queue = queue();
		String id = push(queue, Map.of());
		fetchJob(queue, id);
		Response refused = app.post("/ojs/v1/workers/nack",
				Map.of("job_id", id, "error", error("stop"), "requeue", "yes"));
		assertError(refused, 400, "invalid_request");
		assertThat(refused.text("/error/message")).contains("requeue");
		assertThat(app.info(id).text("/job/state")).isEqualTo("active");
		app.post("/ojs/v1/workers/ack", Map.of("job_id", id));
	}

	@Test
	void aProgressReportKeepsTheJobsOwnVisibilityTimeout() {
		String queue = queue();
		String id = push(queue, Map.of("visibility_timeout_ms", 600_000));
		// this attempt's lease is short; a report extends it by the job's own timeout
		await().atMost(Duration.ofSeconds(10))
			.until(() -> app
				.post("/ojs/v1/workers/fetch",
						Map.of("queues", List.of(queue), "worker_id", "w-rel", "visibility_timeout_ms", 5_000))
				.json()
				.at("/jobs")
				.size() == 1);
		Instant reported = Instant.now();
		Response progress = app.post("/ojs/v1/workers/progress", Map.of("job_id", id, "progress", 0.5));
		assertThat(progress.json().at("/updated").booleanValue()).as(progress.body()).isTrue();
		assertThat(leaseExpiresAt(id)).isAfter(reported.plusSeconds(500));
		app.post("/ojs/v1/workers/ack", Map.of("job_id", id));
	}

	@Test
	void aHeartbeatStoresNoStateForAWorkerThatWasAskedNothingAndAnAdminCanForgetAWorkersState() {
		String queue = queue();
		String id = push(queue, Map.of());
		fetchJob(queue, id);
		Map<String, Object> beat = Map.of("worker_id", "w-forget", "active_jobs", List.of(id));
		assertThat(app.post("/ojs/v1/workers/heartbeat", beat).text("/state")).isEqualTo("running");
		assertThat(storedWorkerStates("w-forget")).isZero();
		app.header("X-Jetway-Admin-Key", ADMIN_KEY);
		try {
			app.post("/ojs/v1/admin/workers/w-forget/state", Map.of("state", "terminate"));
			assertThat(app.post("/ojs/v1/workers/heartbeat", beat).text("/state")).isEqualTo("terminate");
			Response forgotten = app.delete("/ojs/v1/admin/workers/w-forget");
			assertThat(forgotten.status()).as(forgotten.body()).isEqualTo(200);
			assertThat(app.post("/ojs/v1/workers/heartbeat", beat).text("/state")).isEqualTo("running");
			assertError(app.delete("/ojs/v1/admin/workers/w-forget"), 404, "not_found");
		}
		finally {
			app.header("X-Jetway-Admin-Key", null);
		}
		assertError(app.delete("/ojs/v1/admin/workers/w-forget"), 401, "unauthenticated");
		app.post("/ojs/v1/workers/ack", Map.of("job_id", id));
	}

	@Test
	void theStateOfAWorkerSilentForLongerThanTheRetentionIsForgotten() {
		app.header("X-Jetway-Admin-Key", ADMIN_KEY);
		try {
			app.post("/ojs/v1/admin/workers/w-silent/state", Map.of("state", "quiet"));
			app.post("/ojs/v1/admin/workers/w-recent/state", Map.of("state", "quiet"));
		}
		finally {
			app.header("X-Jetway-Admin-Key", null);
		}
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		jdbc.update("UPDATE jetway_ojs_workers SET last_beat_at = ? WHERE worker_id = 'w-silent'",
				java.sql.Timestamp.from(Instant.now().minus(Duration.ofDays(8))));
		app.context().getBean(OjsLeaseSweeper.class).forgetSilentWorkers(Instant.now());
		assertThat(storedWorkerStates("w-silent")).isZero();
		assertThat(storedWorkerStates("w-recent")).isOne();
	}

	@Test
	void aTestDirectiveAppliesToTheWorkerHoldingTheJobsLeaseOnly() {
		String queue = queue();
		String quiet = push(queue, Map.of("metadata", Map.of("test_directive", "quiet")));
		fetchJob(queue, quiet);
		assertThat(
				app.post("/ojs/v1/workers/heartbeat", Map.of("worker_id", "w-bystander", "active_jobs", List.of(quiet)))
					.text("/state"))
			.isEqualTo("running");
		assertThat(app.post("/ojs/v1/workers/heartbeat", Map.of("worker_id", "w-rel", "active_jobs", List.of(quiet)))
			.text("/state")).isEqualTo("quiet");
		app.post("/ojs/v1/workers/ack", Map.of("job_id", quiet));
		new JdbcTemplate(database.dataSource()).update("DELETE FROM jetway_ojs_workers WHERE worker_id = 'w-rel'");
	}

	@Test
	void anExpiredLeaseThatCannotEndKeepsNoOtherExpiredLeaseFromEnding() {
		String queue = queue();
		String stuck = push(queue, Map.of("visibility_timeout_ms", 1000));
		fetchJob(queue, stuck);
		String other = push(queue, Map.of("visibility_timeout_ms", 1500));
		fetchJob(queue, other);
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		// the end of the first lease to expire fails in the database
		jdbc.execute("CREATE FUNCTION jetway_test_refuse() RETURNS trigger AS $$ BEGIN "
				+ "RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql");
		jdbc.execute("CREATE TRIGGER jetway_test_refuse BEFORE UPDATE ON jetway_jobs FOR EACH ROW WHEN (OLD.id = '"
				+ stuck + "' AND NEW.status <> 'running') EXECUTE FUNCTION jetway_test_refuse()");
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> "available".equals(app.info(other).text("/job/state")));
			assertThat(app.info(stuck).text("/job/state")).isEqualTo("active");
		}
		finally {
			jdbc.execute("DROP TRIGGER jetway_test_refuse ON jetway_jobs");
			jdbc.execute("DROP FUNCTION jetway_test_refuse()");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> "available".equals(app.info(stuck).text("/job/state")));
		app.delete("/ojs/v1/jobs/" + stuck);
		app.delete("/ojs/v1/jobs/" + other);
	}

	private static Instant leaseExpiresAt(String id) {
		return new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT expires_at FROM jetway_job_leases WHERE job_id = ?::uuid", OffsetDateTime.class, id)
			.toInstant();
	}

	private static int storedWorkerStates(String workerId) {
		Integer count = new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT COUNT(*) FROM jetway_ojs_workers WHERE worker_id = ?", Integer.class, workerId);
		return (count != null) ? count : 0;
	}

}
