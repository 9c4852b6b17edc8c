package io.jetway.jobs.ojs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.jetway.jobs.DefaultJobClient;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobOptions;
import io.jetway.jobs.JobsProperties;
import io.jetway.jobs.ojs.OjsTestApplication.Response;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.topology.Namespace;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The OJS HTTP binding on one instance (PostgreSQL, NATS): envelope validation and the
 * error catalogue, PUSH -> FETCH -> ACK, FAIL with retry and discard, leases kept by
 * heartbeats and lost by silence, cancel, delayed jobs. Each test uses its own queue,
 * like the public conformance suite.
 */
class OjsBindingTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final AtomicInteger queues = new AtomicInteger();

	private static final String IN_PROCESS_QUEUE = "ojs-in-process";

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
		return "ojs-test-" + queues.incrementAndGet();
	}

	@Test
	void manifestAndHealthAnswerInTheOjsMediaType() {
		Response manifest = app.get("/ojs/manifest");
		assertThat(manifest.status()).isEqualTo(200);
		assertThat(manifest.contentType()).startsWith("application/openjobspec+json");
		assertThat(manifest.text("/specversion")).isEqualTo("1.0");
		assertThat(manifest.text("/implementation/name")).isEqualTo("jetway");
		assertThat(manifest.json().at("/conformance_level").intValue()).isZero();
		String queue = queue();
		app.push("test.echo", queue);
		app.context().getBean(JobClient.class).pause(queue);
		Response queues = app.get("/ojs/v1/queues");
		assertThat(queues.status()).isEqualTo(200);
		assertThat(queues.json().at("/queues").findValuesAsString("name")).contains(queue);
		assertThat(queues.json()
			.at("/queues")
			.valueStream()
			.filter((listed) -> listed.at("/name").asString().equals(queue))
			.findFirst()
			.orElseThrow()
			.at("/status")
			.asString()).isEqualTo("paused");
		app.context().getBean(JobClient.class).resume(queue);
		Response health = app.get("/ojs/v1/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.text("/status")).isEqualTo("ok");
	}

	@Test
	void invalidEnvelopesAreRefusedWithTheErrorCatalogue() {
		assertError(app.post("/ojs/v1/jobs", Map.of("args", List.of("no type"))), 400, "invalid_payload");
		assertError(app.post("/ojs/v1/jobs", Map.of("type", "email.send", "args", Map.of("to", "x"))), 400,
				"invalid_payload");
		assertError(app.post("/ojs/v1/jobs", Map.of("type", "email.send")), 400, "invalid_payload");
		assertError(app.post("/ojs/v1/jobs", Map.of("type", "bad type!", "args", List.of())), 400, "invalid_payload");
		assertError(app.post("/ojs/v1/jobs", "{not json"), 400, "invalid_payload");
		String valid = "{\"type\":\"test.echo\",\"args\":[],\"options\":{\"queue\":\"" + queue() + "\"}}";
		assertError(app.post("/ojs/v1/jobs", "text/plain", valid), 400, "invalid_request");
		assertThat(app.post("/ojs/v1/jobs", "application/json", valid).status()).isEqualTo(201);
		assertError(app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "meta", List.of())), 400,
				"invalid_payload");
		String big = IntStream.range(0, 5000).mapToObj((i) -> "x").collect(Collectors.joining());
		assertError(
				app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "meta", Map.of("big", big))),
				413, "metadata_too_large");
		assertError(app.push("test.echo", "no spaces allowed"), 400, "invalid_queue");
		assertError(app.post("/ojs/v1/jobs",
				Map.of("type", "test.echo", "args", List.of(), "options", Map.of("retry", Map.of("max_attempts", -1)))),
				422, "validation_error");
		assertError(app.info(UUID.randomUUID().toString()), 404, "not_found");
		assertError(app.info("not-a-uuid"), 404, "not_found");
		assertError(app.post("/ojs/v1/workers/ack", Map.of("job_id", UUID.randomUUID().toString())), 404, "not_found");
		assertError(app.post("/ojs/v1/workers/fetch", Map.of("queues", List.of())), 400, "invalid_request");
	}

	@Test
	void pushFetchAckCompletesTheJobWithItsResult() {
		String queue = queue();
		Response pushed = app.post("/ojs/v1/jobs",
				Map.of("type", "test.echo", "args", List.of("hello", 42, Map.of("key", "value")), "meta",
						Map.of("trace_id", "t-1", "tenant", 7), "options", Map.of("queue", queue)));
		assertThat(pushed.status()).isEqualTo(201);
		assertThat(pushed.contentType()).startsWith("application/openjobspec+json");
		String id = pushed.text("/job/id");
		assertThat(pushed.text("/job/state")).isEqualTo("available");
		assertThat(pushed.json().at("/job/attempt").intValue()).isZero();
		assertThat(UUID.fromString(id).version()).isEqualTo(7);
		Response fetched = app.fetch(queue, 30_000);
		assertThat(fetched.status()).isEqualTo(200);
		assertThat(fetched.json().at("/jobs").size()).isEqualTo(1);
		assertThat(fetched.text("/jobs/0/id")).isEqualTo(id);
		assertThat(fetched.text("/jobs/0/state")).isEqualTo("active");
		assertThat(fetched.json().at("/jobs/0/attempt").intValue()).isEqualTo(1);
		assertThat(fetched.text("/jobs/0/args/0")).isEqualTo("hello");
		assertThat(fetched.text("/jobs/0/started_at")).isNotEmpty();
		assertThat(fetched.text("/jobs/0/meta/trace_id")).isEqualTo("t-1");
		assertThat(fetched.json().at("/jobs/0/meta/tenant").intValue()).isEqualTo(7);
		assertThat(app.info(id).text("/job/state")).isEqualTo("active");
		// nothing else to fetch
		assertThat(app.fetch(queue, 30_000).json().at("/jobs").size()).isZero();
		Response acked = app.post("/ojs/v1/workers/ack",
				Map.of("job_id", id, "result", Map.of("echo", List.of("hello", 42), "count", 2)));
		assertThat(acked.status()).isEqualTo(200);
		assertThat(acked.json().at("/acknowledged").booleanValue()).isTrue();
		assertThat(acked.text("/state")).isEqualTo("completed");
		Response info = app.info(id);
		assertThat(info.text("/job/state")).isEqualTo("completed");
		assertThat(info.json().at("/job/result/count").intValue()).isEqualTo(2);
		assertThat(info.text("/job/completed_at")).isNotEmpty();
		assertThat(info.text("/job/meta/trace_id")).isEqualTo("t-1");
		// completed is terminal: a second ACK and a FAIL change nothing
		assertError(app.post("/ojs/v1/workers/ack", Map.of("job_id", id, "result", Map.of("count", 3))), 409,
				"conflict");
		assertError(app.post("/ojs/v1/workers/nack", Map.of("job_id", id, "error", Map.of("message", "late"))), 409,
				"conflict");
		assertThat(app.info(id).json().at("/job/result/count").intValue()).isEqualTo(2);
	}

	@Test
	void aFailedAttemptIsRetryableThenAvailableThenCompletes() {
		String queue = queue();
		String id = app.post("/ojs/v1/jobs", Map.of("type", "test.fail_once", "args", List.of(), "options",
				Map.of("queue", queue, "retry", Map.of("max_attempts", 3))))
			.text("/job/id");
		assertThat(awaitFetch(queue).json().at("/jobs/0/attempt").intValue()).isEqualTo(1);
		Response failed = app.post("/ojs/v1/workers/nack",
				Map.of("job_id", id, "error", Map.of("code", "handler_error", "message", "first attempt fails")));
		assertThat(failed.status()).isEqualTo(200);
		assertThat(failed.text("/state")).isEqualTo("retryable");
		assertThat(failed.text("/next_attempt_at")).isNotEmpty();
		Response retryable = app.info(id);
		assertThat(retryable.text("/job/state")).isEqualTo("retryable");
		assertThat(retryable.json().at("/job/attempt").intValue()).isEqualTo(1);
		assertThat(retryable.text("/job/error/message")).isEqualTo("first attempt fails");
		assertThat(retryable.json().at("/job/completed_at").isMissingNode()).isTrue();
		// the backoff (1 s) is over: available, and the redelivered message is fetched
		await().atMost(Duration.ofSeconds(5)).until(() -> "available".equals(app.info(id).text("/job/state")));
		Response second = awaitFetch(queue);
		assertThat(second.text("/jobs/0/id")).isEqualTo(id);
		assertThat(second.json().at("/jobs/0/attempt").intValue()).isEqualTo(2);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id, "result", Map.of("ok", true))).status())
			.isEqualTo(200);
		Response completed = app.info(id);
		assertThat(completed.text("/job/state")).isEqualTo("completed");
		assertThat(completed.json().at("/job/error").isMissingNode()).isTrue();
	}

	@Test
	void aFailureOnTheLastAttemptOrNotRetryableDiscardsTheJob() {
		String queue = queue();
		String last = app.post("/ojs/v1/jobs", Map.of("type", "test.fail_always", "args", List.of(), "options",
				Map.of("queue", queue, "retry", Map.of("max_attempts", 1))))
			.text("/job/id");
		app.fetch(queue, 30_000);
		Response discarded = app.post("/ojs/v1/workers/nack",
				Map.of("job_id", last, "error", Map.of("code", "handler_error", "message", "fails")));
		assertThat(discarded.text("/state")).isEqualTo("discarded");
		assertThat(app.info(last).text("/job/state")).isEqualTo("discarded");
		String notRetryable = app.push("test.fail_always", queue).text("/job/id");
		app.fetch(queue, 30_000);
		assertThat(app
			.post("/ojs/v1/workers/nack",
					Map.of("job_id", notRetryable, "error", Map.of("message", "bad input", "retryable", false)))
			.text("/state")).isEqualTo("discarded");
		assertThat(app.info(notRetryable).json().at("/job/attempt").intValue()).isEqualTo(1);
	}

	@Test
	void discardedJobsAreListedAsDeadLettersAndCanBeRetriedOrDeleted() {
		String queue = queue();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			String id = app.post("/ojs/v1/jobs", Map.of("type", "test.fail_always", "args", List.of(i), "options",
					Map.of("queue", queue, "retry", Map.of("max_attempts", 1))))
				.text("/job/id");
			app.fetch(queue, 30_000);
			assertThat(app.post("/ojs/v1/workers/nack", Map.of("job_id", id, "error", Map.of("message", "fails")))
				.text("/state")).isEqualTo("discarded");
			ids.add(id);
		}
		Response listed = app.get("/ojs/v1/dead-letter?queue=" + queue);
		assertThat(listed.status()).isEqualTo(200);
		assertThat(listed.json().at("/jobs").findValuesAsString("id")).containsExactlyInAnyOrderElementsOf(ids);
		assertThat(listed.text("/jobs/0/state")).isEqualTo("discarded");

		Response retried = app.post("/ojs/v1/dead-letter/" + ids.get(0) + "/retry", Map.of());
		assertThat(retried.status()).isEqualTo(200);
		assertThat(retried.text("/job/state")).isEqualTo("available");
		assertThat(retried.json().at("/job/attempt").intValue()).isZero();
		Response fetched = awaitFetch(queue);
		assertThat(fetched.text("/jobs/0/id")).isEqualTo(ids.get(0));
		assertThat(fetched.json().at("/jobs/0/attempt").intValue()).isEqualTo(1);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", ids.get(0))).text("/state")).isEqualTo("completed");

		Response deleted = app.delete("/ojs/v1/dead-letter/" + ids.get(1));
		assertThat(deleted.status()).isEqualTo(200);
		assertThat(deleted.json().at("/deleted").booleanValue()).isTrue();
		assertThat(app.get("/ojs/v1/dead-letter?queue=" + queue).json().at("/jobs").size()).isZero();
		assertError(app.info(ids.get(1)), 404, "not_found");
		assertError(app.delete("/ojs/v1/dead-letter/" + ids.get(0)), 404, "not_found");
		assertError(app.post("/ojs/v1/dead-letter/" + ids.get(0) + "/retry", Map.of()), 404, "not_found");
	}

	@Test
	void heartbeatsKeepALeaseAndASilentWorkerLosesItsLeaseAndItsLateAckIsRefused() {
		String queue = queue();
		String kept = app.push("test.slow", queue).text("/job/id");
		Response fetched = app.fetch(queue, 3000);
		String keptLease = fetched.text("/jobs/0/lease/token");
		// beats for one and a half times the visibility timeout, with seconds to spare
		// for
		// each beat on a loaded machine
		Instant until = Instant.now().plusMillis(4500);
		await().pollInterval(Duration.ofMillis(500)).atMost(Duration.ofSeconds(20)).until(() -> {
			Response beat = app.post("/ojs/v1/workers/heartbeat",
					Map.of("worker_id", "w1", "active_jobs", List.of(kept), "visibility_timeout_ms", 3000));
			assertThat(beat.json().at("/jobs_extended").toString()).contains(kept);
			return Instant.now().isAfter(until);
		});
		assertThat(app.info(kept).text("/job/state")).isEqualTo("active");
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", kept, "lease_token", keptLease)).status())
			.isEqualTo(200);

		String lost = app.push("test.slow", queue).text("/job/id");
		String silentLease = app.fetch(queue, 300).text("/jobs/0/lease/token");
		// the sweep ends the expired lease as a failed attempt, retried at once
		await().atMost(Duration.ofSeconds(5)).until(() -> !"active".equals(app.info(lost).text("/job/state")));
		assertThat(app.info(lost).text("/job/error/code")).isEqualTo("handler_timeout");
		Response second = awaitFetch(queue);
		assertThat(second.text("/jobs/0/id")).isEqualTo(lost);
		assertThat(second.json().at("/jobs/0/attempt").intValue()).isEqualTo(2);
		String secondLease = second.text("/jobs/0/lease/token");
		// the silent worker's late ACK and FAIL change nothing
		assertError(
				app.post("/ojs/v1/workers/ack",
						Map.of("job_id", lost, "lease_token", silentLease, "result", Map.of("by", "silent"))),
				409, "conflict");
		assertError(
				app.post("/ojs/v1/workers/nack",
						Map.of("job_id", lost, "lease_token", silentLease, "error", Map.of("message", "late"))),
				409, "conflict");
		assertThat(app
			.post("/ojs/v1/workers/ack",
					Map.of("job_id", lost, "lease_token", secondLease, "result", Map.of("by", "second")))
			.status()).isEqualTo(200);
		Response info = app.info(lost);
		assertThat(info.text("/job/state")).isEqualTo("completed");
		assertThat(info.text("/job/result/by")).isEqualTo("second");
		assertThat(info.json().at("/job/attempt").intValue()).isEqualTo(2);
	}

	@Test
	void cancelEndsAvailableAndActiveJobsAndRefusesEndedOnes() {
		String queue = queue();
		String available = app.push("test.echo", queue).text("/job/id");
		Response cancelled = app.delete("/ojs/v1/jobs/" + available);
		assertThat(cancelled.status()).isEqualTo(200);
		assertThat(cancelled.text("/job/state")).isEqualTo("cancelled");
		assertThat(cancelled.text("/job/previous_state")).isEqualTo("available");
		// its message is settled without being served
		assertThat(app.fetch(queue, 30_000).json().at("/jobs").size()).isZero();
		assertError(app.delete("/ojs/v1/jobs/" + available), 409, "conflict");
		String active = app.push("test.echo", queue).text("/job/id");
		app.fetch(queue, 30_000);
		assertThat(app.delete("/ojs/v1/jobs/" + active).text("/job/previous_state")).isEqualTo("active");
		assertError(app.post("/ojs/v1/workers/ack", Map.of("job_id", active)), 409, "conflict");
		assertThat(app.info(active).text("/job/state")).isEqualTo("cancelled");
		assertError(app.delete("/ojs/v1/jobs/" + UUID.randomUUID()), 404, "not_found");
	}

	@Test
	void aDelayedJobIsScheduledAndNotFetchedBeforeItsTime() {
		String queue = queue();
		Instant at = Instant.now().plusSeconds(2);
		Response pushed = app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "options",
				Map.of("queue", queue, "delay_until", at.toString())));
		String id = pushed.text("/job/id");
		assertThat(pushed.text("/job/state")).isEqualTo("scheduled");
		assertThat(app.fetch(queue, 30_000).json().at("/jobs").size()).isZero();
		Response fetched = awaitFetch(queue);
		assertThat(Instant.now()).isAfterOrEqualTo(at);
		assertThat(fetched.text("/jobs/0/id")).isEqualTo(id);
		app.post("/ojs/v1/workers/ack", Map.of("job_id", id));
	}

	@Test
	void jobsEnqueuedWithJobClientOnAnExternalQueueAreFetchable() {
		String queue = queue();
		JobClient jobs = app.context().getBean(JobClient.class);
		app.fetch(queue, 30_000);
		UUID id = jobs.enqueue("resize_image", Map.of("url", "https://example.com/a.png"),
				JobOptions.builder().queue(queue).build());
		Response fetched = awaitFetch(queue);
		assertThat(fetched.text("/jobs/0/id")).isEqualTo(id.toString());
		assertThat(fetched.text("/jobs/0/args/0/url")).isEqualTo("https://example.com/a.png");
		app.post("/ojs/v1/workers/ack", Map.of("job_id", id.toString(), "result", Map.of("width", 10)));
		assertThat(jobs.status(id).orElseThrow().result()).isEqualTo("{\"width\":10}");
	}

	@Test
	void expiredLeasesLeaveNoLeaseRows() {
		String queue = queue();
		String id = app.push("test.echo", queue).text("/job/id");
		app.fetch(queue, 200);
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM jetway_job_leases WHERE job_id = ?::uuid",
					Integer.class, id) == 0);
		assertThat(app.info(id).text("/job/state")).isIn("retryable", "available");
	}

	private static void awaitMessagesInStream(String queue, long count) {
		String stream = app.context()
			.getBean(Namespace.class)
			.streamName(app.context().getBean(JobsProperties.class).getStream());
		String subject = app.context().getBean(Namespace.class).subject(DefaultJobClient.QUEUE_SUBJECT_PREFIX + queue);
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			try (Connection connection = Nats.connect(nats.url())) {
				return connection.jetStreamManagement()
					.getStreamInfo(stream, StreamInfoOptions.filterSubjects(subject))
					.getStreamState()
					.getSubjects()
					.stream()
					.mapToLong(Subject::getCount)
					.sum() >= count;
			}
		});
	}

	private static Response awaitFetch(String queue) {
		return app.awaitFetch(queue);
	}

	@Test
	void aFetchThatFailsAfterClaimingGivesItsClaimsBack() {
		String queue = queue();
		String first = app.push("test.echo", queue, 1).text("/job/id");
		String second = app.push("test.echo", queue, 2).text("/job/id");
		// both messages in the stream, so that one FETCH of two claims both
		awaitMessagesInStream(queue, 2);
		OjsWorkers workers = app.context().getBean(OjsWorkers.class);
		AtomicInteger claims = new AtomicInteger();
		workers.afterClaim = (lease) -> {
			if (claims.incrementAndGet() == 2) {
				throw new IllegalStateException("injected failure after the second claim");
			}
		};
		try {
			assertThat(app
				.post("/ojs/v1/workers/fetch",
						Map.of("queues", List.of(queue), "count", 2, "visibility_timeout_ms", 60_000))
				.status()).isEqualTo(500);
		}
		finally {
			workers.afterClaim = null;
		}
		for (String id : List.of(first, second)) {
			assertThat(app.info(id).text("/job/state")).isEqualTo("available");
			assertThat(app.info(id).json().at("/job/attempt").intValue()).isZero();
		}
		// served again at once, each as its first attempt
		Map<String, Integer> attempts = new java.util.HashMap<>();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			app.fetch(queue, 30_000)
				.json()
				.at("/jobs")
				.forEach((job) -> attempts.put(job.at("/id").asString(), job.at("/attempt").intValue()));
			assertThat(attempts).containsOnlyKeys(first, second);
		});
		assertThat(attempts).containsEntry(first, 1).containsEntry(second, 1);
		for (String id : List.of(first, second)) {
			assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id)).status()).isEqualTo(200);
		}
	}

	@Test
	void aFetchAnswersWithTheJobsItClaimedInsteadOfWaitingForMore() {
		String queue = queue();
		String first = app.push("test.echo", queue, 1).text("/job/id");
		awaitMessagesInStream(queue, 1);
		OjsWorkers workers = app.context().getBean(OjsWorkers.class);
		String[] later = new String[1];
		workers.afterClaim = (lease) -> {
			if (later[0] == null) {
				// a job that arrives after the FETCH took what the queue held
				later[0] = app.push("test.echo", queue, 2).text("/job/id");
				awaitMessagesInStream(queue, 2);
			}
		};
		Response fetched;
		try {
			fetched = app.post("/ojs/v1/workers/fetch",
					Map.of("queues", List.of(queue), "count", 5, "visibility_timeout_ms", 60_000));
		}
		finally {
			workers.afterClaim = null;
		}
		assertThat(fetched.status()).as(fetched.body()).isEqualTo(200);
		// the claimed job goes to the worker now; the later one is for the next FETCH
		assertThat(fetched.json().at("/jobs").findValuesAsString("id")).containsExactly(first);
		Response next = awaitFetch(queue);
		assertThat(next.text("/jobs/0/id")).isEqualTo(later[0]);
		for (String id : List.of(first, later[0])) {
			assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id)).status()).isEqualTo(200);
		}
	}

	@Test
	void aHeartbeatWithALeaseTokenIsFencedByIt() {
		String queue = queue();
		String id = app.push("test.slow", queue).text("/job/id");
		String lease = awaitFetch(queue).text("/jobs/0/lease/token");
		Response stale = app.post("/ojs/v1/workers/heartbeat",
				Map.of("worker_id", "w1", "job_id", id, "lease_token", "lease_stale"));
		assertThat(stale.status()).as(stale.body()).isEqualTo(200);
		assertThat(stale.json().at("/jobs_extended").size()).isZero();
		Response staleActive = app.post("/ojs/v1/workers/heartbeat",
				Map.of("worker_id", "w1", "active_jobs", List.of(Map.of("job_id", id, "lease_token", "lease_stale"))));
		assertThat(staleActive.status()).as(staleActive.body()).isEqualTo(200);
		assertThat(staleActive.json().at("/jobs_extended").size()).isZero();
		Response current = app.post("/ojs/v1/workers/heartbeat",
				Map.of("worker_id", "w1", "active_jobs", List.of(Map.of("job_id", id, "lease_token", lease))));
		assertThat(current.json().at("/jobs_extended").toString()).contains(id);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id, "lease_token", lease)).status()).isEqualTo(200);
	}

	@Test
	void theSweepDeletesExpiredLeasesOfJobsThatAreGone() {
		UUID gone = UUID.randomUUID();
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		jdbc.update("INSERT INTO jetway_job_leases (job_id, attempt, token, expires_at, reply_subject) "
				+ "VALUES (?, 1, 'lease_orphan', now() - INTERVAL '1 minute', '_INBOX.orphan')", gone);
		try {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM jetway_job_leases WHERE job_id = ?",
						Integer.class, gone) == 0);
		}
		finally {
			jdbc.update("DELETE FROM jetway_job_leases WHERE job_id = ?", gone);
		}
	}

	@Test
	void aSecondCopyOfALeasedJobsMessageDoesNotTakeOverItsLease() throws Exception {
		String queue = queue();
		UUID id = UUID.fromString(app.push("test.echo", queue, 1).text("/job/id"));
		String lease = awaitFetch(queue).text("/jobs/0/lease/token");
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		long claimSeq = jdbc.queryForObject("SELECT claim_seq FROM jetway_jobs WHERE id = ?", Long.class, id);
		String replySubject = jdbc.queryForObject("SELECT reply_subject FROM jetway_job_leases WHERE job_id = ?",
				String.class, id);
		String stream = app.context()
			.getBean(Namespace.class)
			.streamName(app.context().getBean(JobsProperties.class).getStream());
		try (Connection connection = Nats.connect(nats.url())) {
			MessageInfo original = connection.jetStreamManagement().getMessage(stream, claimSeq);
			Headers headers = new Headers(original.getHeaders());
			headers.remove("Nats-Msg-Id");
			connection.jetStream()
				.publish(NatsMessage.builder()
					.subject(original.getSubject())
					.headers(headers)
					.data(original.getData())
					.build());
		}
		// the copy is served to nobody and does not replace the claimed message's subject
		assertThat(app.fetch(queue, 30_000).json().at("/jobs").size()).isZero();
		assertThat(
				jdbc.queryForObject("SELECT reply_subject FROM jetway_job_leases WHERE job_id = ?", String.class, id))
			.isEqualTo(replySubject);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id.toString(), "lease_token", lease)).status())
			.isEqualTo(200);
	}

	@Test
	void cancelRefusesJobsOfInProcessQueues() {
		UUID pending = insertJob(IN_PROCESS_QUEUE, "scheduled");
		UUID running = insertJob(IN_PROCESS_QUEUE, "running");
		try {
			assertError(app.delete("/ojs/v1/jobs/" + pending), 403, "permission_denied");
			assertError(app.delete("/ojs/v1/jobs/" + running), 403, "permission_denied");
			assertThat(jobStatus(pending)).isEqualTo("scheduled");
			assertThat(jobStatus(running)).isEqualTo("running");
		}
		finally {
			deleteJobs(pending, running);
		}
	}

	@Test
	void cancelRefusesARunningJobWithoutALease() {
		UUID running = insertJob(queue(), "running");
		try {
			assertError(app.delete("/ojs/v1/jobs/" + running), 409, "conflict");
			assertThat(jobStatus(running)).isEqualTo("running");
		}
		finally {
			deleteJobs(running);
		}
	}

	@Test
	void deadLettersOfInProcessQueuesAreNeitherListedNorRetriedNorDeleted() {
		UUID failed = insertJob(IN_PROCESS_QUEUE, "failed");
		try {
			assertThat(app.get("/ojs/v1/dead-letter").body()).doesNotContain(failed.toString());
			assertError(app.get("/ojs/v1/dead-letter?queue=" + IN_PROCESS_QUEUE), 400, "invalid_request");
			assertError(app.post("/ojs/v1/dead-letter/" + failed + "/retry", Map.of()), 404, "not_found");
			assertError(app.delete("/ojs/v1/dead-letter/" + failed), 404, "not_found");
			assertThat(jobStatus(failed)).isEqualTo("failed");
		}
		finally {
			deleteJobs(failed);
		}
	}

	private static UUID insertJob(String queue, String status) {
		UUID id = UUID.randomUUID();
		new JdbcTemplate(database.dataSource())
			.update("INSERT INTO jetway_jobs (id, type, queue, status, attempts, max_attempts, payload, created_at, "
					+ "run_at, updated_at) VALUES (?, 'test.inserted', ?, ?, 1, 3, '[]', now(), now() + INTERVAL '1 day', now())",
					id, queue, status);
		return id;
	}

	private static String jobStatus(UUID id) {
		return new JdbcTemplate(database.dataSource()).queryForObject("SELECT status FROM jetway_jobs WHERE id = ?",
				String.class, id);
	}

	private static void deleteJobs(UUID... ids) {
		for (UUID id : ids) {
			new JdbcTemplate(database.dataSource()).update("DELETE FROM jetway_jobs WHERE id = ?", id);
		}
	}

	@Test
	void fetchRefusesALongWorkerIdAndAVisibilityTimeoutAboveTheMaximum() {
		String queue = queue();
		String id = app.push("test.echo", queue, 1).text("/job/id");
		assertError(
				app.post("/ojs/v1/workers/fetch",
						Map.of("queues", List.of(queue), "count", 1, "worker_id", "w".repeat(256))),
				400, "invalid_request");
		assertError(
				app.post("/ojs/v1/workers/fetch",
						Map.of("queues", List.of(queue), "count", 1, "visibility_timeout_ms", Long.MAX_VALUE)),
				400, "invalid_request");
		assertError(app.post("/ojs/v1/workers/fetch",
				Map.of("queues", List.of(queue), "count", 1, "visibility_timeout_ms", Duration.ofHours(2).toMillis())),
				400, "invalid_request");
		// the refused calls claimed nothing: the job's first attempt is still to come
		Response fetched = app.fetch(queue, 30_000);
		assertThat(fetched.text("/jobs/0/id")).isEqualTo(id);
		assertThat(fetched.json().at("/jobs/0/attempt").intValue()).isEqualTo(1);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id)).status()).isEqualTo(200);
	}

	static void assertError(Response response, int status, String code) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.contentType()).startsWith("application/openjobspec+json");
		assertThat(response.text("/error/code")).isEqualTo(code);
		assertThat(response.text("/error/message")).isNotEmpty();
		assertThat(response.json().at("/error/retryable").booleanValue()).isFalse();
	}

}
