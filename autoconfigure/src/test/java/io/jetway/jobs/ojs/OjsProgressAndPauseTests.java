package io.jetway.jobs.ojs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.ojs.OjsTestApplication.Response;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Progress of external workers (the OJS progress extension), fenced by the lease and
 * published like {@code JobContext.progress}; queue pause stops FETCH.
 */
class OjsProgressAndPauseTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final AtomicInteger queues = new AtomicInteger();

	private static TestDatabaseInstance database;

	private static OjsTestApplication app;

	@BeforeAll
	static void start() throws Exception {
		database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		app = OjsTestApplication.start(database, nats.url(), "jetway.jobs.queues.in-process.external=false");
	}

	@AfterAll
	static void stop() throws Exception {
		app.close();
		OjsTestApplication.reset(database, nats.url());
	}

	private static String queue() {
		return "ojs-progress-" + queues.incrementAndGet();
	}

	@Test
	void progressOfTheLeaseHolderIsStoredPublishedAndExtendsTheLeaseAndAStaleLeaseChangesNothing() throws Exception {
		String queue = queue();
		String id = app.push("test.echo", queue).text("/job/id");
		Response none = app.get("/ojs/v1/jobs/" + id + "/progress");
		assertThat(none.status()).isEqualTo(200);
		assertThat(none.json().at("/progress").isNull()).isTrue();
		JsonNode job = awaitFetch(queue, 5_000);
		String token = job.at("/lease/token").asString();
		BlockingQueue<String> published = new LinkedBlockingQueue<>();
		try (Connection connection = Nats.connect(nats.url())) {
			Dispatcher dispatcher = connection
				.createDispatcher((message) -> published.add(new String(message.getData(), StandardCharsets.UTF_8)));
			dispatcher.subscribe("jetway.jobs.progress." + id);
			connection.flush(Duration.ofSeconds(5));
			Response reported = app.put("/ojs/v1/jobs/" + id + "/progress", Map.of("progress", 0.5, "message",
					"halfway", "lease_token", token, "visibility_timeout_ms", 30_000));
			assertThat(reported.status()).isEqualTo(200);
			assertThat(reported.json().at("/updated").booleanValue()).isTrue();
			assertThat(reported.json().at("/progress").doubleValue()).isEqualTo(0.5);
			assertThat(reported.text("/state")).isEqualTo("active");
			// the event in-process progress publishes, on the same subject
			JsonNode event = OjsTestApplication.json.readTree(published.poll(5, TimeUnit.SECONDS));
			assertThat(event.at("/id").asString()).isEqualTo(id);
			assertThat(event.at("/progress").doubleValue()).isEqualTo(0.5);
			assertThat(event.at("/message").asString()).isEqualTo("halfway");
			// a report is a heartbeat: the 5 s lease now runs 30 s
			Instant expires = new JdbcTemplate(database.dataSource())
				.queryForObject("SELECT expires_at FROM jetway_job_leases WHERE job_id = ?::uuid", OffsetDateTime.class,
						id)
				.toInstant();
			assertThat(expires).isAfter(Instant.now().plusSeconds(20));
			// never backwards, clamped to 1, and the worker path does the same
			assertThat(app.put("/ojs/v1/jobs/" + id + "/progress", Map.of("progress", 0.3))
				.json()
				.at("/progress")
				.doubleValue()).isEqualTo(0.5);
			Response clamped = app.post("/ojs/v1/workers/progress",
					Map.of("job_id", id, "lease_token", token, "progress", 1.5, "message", "over"));
			assertThat(clamped.json().at("/progress").doubleValue()).isEqualTo(1.0);
			Response read = app.get("/ojs/v1/jobs/" + id + "/progress");
			assertThat(read.json().at("/progress").doubleValue()).isEqualTo(1.0);
			assertThat(read.text("/message")).isEqualTo("over");
			assertThat(app.info(id).json().at("/job/progress").doubleValue()).isEqualTo(1.0);
			// a stale lease token: answered, but nothing stored or published
			published.clear();
			Response stale = app.put("/ojs/v1/jobs/" + id + "/progress",
					Map.of("progress", 1.0, "message", "stale", "lease_token", "lease_not-mine"));
			assertThat(stale.status()).isEqualTo(200);
			assertThat(stale.json().at("/updated").booleanValue()).isFalse();
			assertThat(app.get("/ojs/v1/jobs/" + id + "/progress").text("/message")).isEqualTo("over");
			assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id, "lease_token", token)).status())
				.isEqualTo(200);
			Response late = app.put("/ojs/v1/jobs/" + id + "/progress", Map.of("message", "after the end"));
			assertThat(late.json().at("/updated").booleanValue()).isFalse();
			assertThat(late.text("/state")).isEqualTo("completed");
			assertThat(published.poll(300, TimeUnit.MILLISECONDS)).isNull();
		}
		assertThat(app.put("/ojs/v1/jobs/" + id + "/progress", Map.of()).status()).isEqualTo(400);
		Response withoutJob = app.post("/ojs/v1/workers/progress", Map.of("progress", 0.1));
		assertThat(withoutJob.status()).isEqualTo(400);
		assertThat(withoutJob.json().at("/error/details/field").asString()).isEqualTo("job_id");
		assertThat(app.put("/ojs/v1/jobs/" + UUID.randomUUID() + "/progress", Map.of("progress", 0.1)).status())
			.isEqualTo(404);
	}

	@Test
	void theFirstReportOfARetriedAttemptReplacesTheProgressOfTheFailedOne() {
		String queue = queue();
		String id = app.push("test.echo", queue).text("/job/id");
		String first = awaitFetch(queue, 30_000).at("/lease/token").asString();
		assertThat(app.put("/ojs/v1/jobs/" + id + "/progress", Map.of("progress", 0.8, "lease_token", first))
			.json()
			.at("/progress")
			.doubleValue()).isEqualTo(0.8);
		assertThat(app
			.post("/ojs/v1/workers/nack",
					Map.of("job_id", id, "lease_token", first, "error", Map.of("message", "first attempt fails")))
			.text("/state")).isEqualTo("retryable");
		String second = awaitFetch(queue, 30_000).at("/lease/token").asString();
		assertThat(second).isNotEqualTo(first);
		Response reported = app.put("/ojs/v1/jobs/" + id + "/progress", Map.of("progress", 0.3, "lease_token", second));
		assertThat(reported.json().at("/updated").booleanValue()).isTrue();
		assertThat(reported.json().at("/progress").doubleValue()).isEqualTo(0.3);
		assertThat(app.get("/ojs/v1/jobs/" + id + "/progress").json().at("/progress").doubleValue()).isEqualTo(0.3);
		// and within the second attempt progress does not go back either
		app.put("/ojs/v1/jobs/" + id + "/progress", Map.of("progress", 0.2, "lease_token", second));
		assertThat(app.get("/ojs/v1/jobs/" + id + "/progress").json().at("/progress").doubleValue()).isEqualTo(0.3);
		app.post("/ojs/v1/workers/ack", Map.of("job_id", id, "lease_token", second));
	}

	@Test
	void aPausedQueueServesNoJobToFetchUntilItIsResumed() throws Exception {
		String queue = queue();
		String id = app.push("test.echo", queue).text("/job/id");
		JobClient jobs = app.context().getBean(JobClient.class);
		jobs.pause(queue);
		try {
			// the job's message is in the queue's consumer, waiting
			awaitPendingMessages(queue, 1);
			assertThat(app.fetch(queue, 30_000).json().at("/jobs")).isEmpty();
			assertThat(app.info(id).text("/job/state")).isEqualTo("available");
			Response resumed = app.post("/ojs/v1/queues/" + queue + "/resume", Map.of());
			assertThat(resumed.status()).isEqualTo(200);
			assertThat(resumed.text("/status")).isEqualTo("active");
			assertThat(jobs.isPaused(queue)).isFalse();
			JsonNode fetched = awaitFetch(queue, 30_000);
			assertThat(fetched.at("/id").asString()).isEqualTo(id);
			// paused through the binding's endpoint, too
			String second = app.push("test.echo", queue).text("/job/id");
			Response paused = app.post("/ojs/v1/queues/" + queue + "/pause", Map.of());
			assertThat(paused.status()).isEqualTo(200);
			assertThat(paused.text("/status")).isEqualTo("paused");
			awaitPendingMessages(queue, 1);
			assertThat(app.fetch(queue, 30_000).json().at("/jobs")).isEmpty();
			app.post("/ojs/v1/queues/" + queue + "/resume", Map.of());
			assertThat(awaitFetch(queue, 30_000).at("/id").asString()).isEqualTo(second);
		}
		finally {
			jobs.resume(queue);
		}
	}

	@Test
	void aFetchOfPausedQueuesWaitsLikeAnEmptyPullInsteadOfAnsweringAtOnce() {
		String queue = queue();
		JobClient jobs = app.context().getBean(JobClient.class);
		jobs.pause(queue);
		try {
			long started = System.nanoTime();
			assertThat(app.fetch(queue, 30_000).json().at("/jobs")).isEmpty();
			// no busy loop: a worker polling a paused queue waits as long as on an empty
			// one
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
		}
		finally {
			jobs.resume(queue);
		}
	}

	@Test
	void aPauseDuringAFetchStopsItFromClaimingTheJobsItPulledAlready() throws Exception {
		String queue = queue();
		String first = app.push("test.echo", queue, 1).text("/job/id");
		String second = app.push("test.echo", queue, 2).text("/job/id");
		awaitPendingMessages(queue, 2);
		JobClient jobs = app.context().getBean(JobClient.class);
		OjsWorkers workers = app.context().getBean(OjsWorkers.class);
		workers.afterClaim = (lease) -> jobs.pause(queue);
		try {
			JsonNode fetched = app
				.post("/ojs/v1/workers/fetch",
						Map.of("queues", java.util.List.of(queue), "count", 2, "visibility_timeout_ms", 30_000))
				.json()
				.at("/jobs");
			assertThat(fetched.size()).isEqualTo(1);
			assertThat(fetched.at("/0/id").asString()).isEqualTo(first);
			// the other job was given back without spending an attempt
			assertThat(app.info(second).text("/job/state")).isEqualTo("available");
			assertThat(app.info(second).json().at("/job/attempt").intValue()).isZero();
		}
		finally {
			workers.afterClaim = null;
			jobs.resume(queue);
		}
		assertThat(awaitFetch(queue, 30_000).at("/id").asString()).isEqualTo(second);
	}

	@Test
	void pauseAndResumeAreForExternalQueuesOnly() {
		// an in-process queue: 403 like CANCEL of its jobs; no row is created for it
		Response inProcess = app.post("/ojs/v1/queues/in-process/pause", Map.of());
		assertThat(inProcess.status()).isEqualTo(403);
		assertThat(app.post("/ojs/v1/queues/in-process/resume", Map.of()).status()).isEqualTo(403);
		// an unknown queue: 404, and no row either
		Response unknown = app.post("/ojs/v1/queues/never-used-" + UUID.randomUUID() + "/resume", Map.of());
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(new JdbcTemplate(database.dataSource()).queryForObject(
				"SELECT COUNT(*) FROM jetway_job_queues WHERE queue LIKE 'never-used-%' OR queue = 'in-process'",
				Integer.class))
			.isZero();
	}

	private static JsonNode awaitFetch(String queue, int visibilityMillis) {
		Response[] fetched = new Response[1];
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			fetched[0] = app.fetch(queue, visibilityMillis);
			return fetched[0].json().at("/jobs").size() == 1;
		});
		return fetched[0].json().at("/jobs/0");
	}

	private static void awaitPendingMessages(String queue, int count) throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement management = connection.jetStreamManagement();
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				for (String stream : management.getStreamNames()) {
					for (ConsumerInfo consumer : management.getConsumers(stream)) {
						if (consumer.getName().endsWith("-" + queue)) {
							return consumer.getNumPending() >= count;
						}
					}
				}
				return false;
			});
		}
	}

}
