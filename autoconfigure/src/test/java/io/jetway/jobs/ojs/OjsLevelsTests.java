package io.jetway.jobs.ojs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobRetention;
import io.jetway.jobs.JobState;
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
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * OJS levels 1 and 2 beyond OjsBindingTests (PostgreSQL, NATS): staged jobs
 * ({@code options.pending}) and ACTIVATE, atomic batch PUSH, delayed jobs that stay
 * unfetchable before their time even when their message arrives early, and the
 * conformance reset.
 */
class OjsLevelsTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final AtomicInteger queues = new AtomicInteger();

	private static final String IN_PROCESS_QUEUE = "ojs-levels-in-process";

	/** Outbox rows whose body is a job message's, given as {@link #jobMessageBody}. */
	private static final String OUTBOX_ROWS_OF_JOB = "jetway_outbox WHERE convert_from(payload, 'UTF8') LIKE ?";

	private static TestDatabaseInstance database;

	private static OjsTestApplication app;

	@BeforeAll
	static void start() throws Exception {
		database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		app = OjsTestApplication.start(database, nats.url(), "jetway.jobs.ojs.conformance-reset-enabled=true",
				"jetway.jobs.queues." + IN_PROCESS_QUEUE + ".external=false");
	}

	@AfterAll
	static void stop() throws Exception {
		app.close();
		OjsTestApplication.reset(database, nats.url());
	}

	private static String queue() {
		return "ojs-levels-" + queues.incrementAndGet();
	}

	@Test
	void aStagedJobIsPendingUntilActivatedThenFetchable() {
		String queue = queue();
		Response pushed = app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of("staged"), "options",
				Map.of("queue", queue, "pending", true)));
		assertThat(pushed.status()).isEqualTo(201);
		assertThat(pushed.text("/job/state")).isEqualTo("pending");
		assertThat(pushed.json().at("/job/scheduled_at").isMissingNode()).isTrue();
		String id = pushed.text("/job/id");
		// Jetway keeps it as a scheduled job that never comes due by itself, without a
		// message
		assertThat(app.context().getBean(JobClient.class).status(UUID.fromString(id)).orElseThrow().status())
			.isEqualTo(JobState.SCHEDULED);
		assertThat(outboxRows(id)).isZero();
		assertThat(app.fetch(queue, 30_000).json().at("/jobs").size()).isZero();
		assertThat(app.info(id).text("/job/state")).isEqualTo("pending");

		Response activated = app.post("/ojs/v1/jobs/" + id + "/activate", "");
		assertThat(activated.status()).as(activated.body()).isEqualTo(200);
		assertThat(activated.text("/job/state")).isEqualTo("available");
		assertThat(activated.text("/job/previous_state")).isEqualTo("pending");
		assertThat(activated.text("/job/activated_at")).isNotEmpty();
		Response fetched = awaitFetch(queue);
		assertThat(fetched.text("/jobs/0/id")).isEqualTo(id);
		assertThat(fetched.json().at("/jobs/0/attempt").intValue()).isEqualTo(1);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id)).status()).isEqualTo(200);

		// only a pending job is activated
		Response again = app.post("/ojs/v1/jobs/" + id + "/activate", "");
		assertError(again, 409, "invalid_request");
		assertThat(again.text("/error/details/current_state")).isEqualTo("completed");
		String available = app.push("test.echo", queue).text("/job/id");
		assertError(app.post("/ojs/v1/jobs/" + available + "/activate", ""), 409, "invalid_request");
		String scheduled = app
			.post("/ojs/v1/jobs",
					Map.of("type", "test.echo", "args", List.of(), "scheduled_at",
							Instant.now().plusSeconds(3600).toString(), "options", Map.of("queue", queue)))
			.text("/job/id");
		assertError(app.post("/ojs/v1/jobs/" + scheduled + "/activate", ""), 409, "invalid_request");
		assertThat(app.info(scheduled).text("/job/state")).isEqualTo("scheduled");
		assertError(app.post("/ojs/v1/jobs/" + UUID.randomUUID() + "/activate", ""), 404, "not_found");
		assertError(app.post("/ojs/v1/jobs",
				Map.of("type", "test.echo", "args", List.of(), "options", Map.of("queue", queue, "pending", "yes"))),
				400, "invalid_payload");
		assertError(
				app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "scheduled_at",
						Instant.now().plusSeconds(60).toString(), "options", Map.of("queue", queue, "pending", true))),
				400, "invalid_payload");
		app.delete("/ojs/v1/jobs/" + available);
		app.delete("/ojs/v1/jobs/" + scheduled);
	}

	@Test
	void aStagedJobCanBeCancelled() {
		String queue = queue();
		String id = app
			.post("/ojs/v1/jobs",
					Map.of("type", "test.echo", "args", List.of(), "options", Map.of("queue", queue, "pending", true)))
			.text("/job/id");
		Response cancelled = app.delete("/ojs/v1/jobs/" + id);
		assertThat(cancelled.status()).isEqualTo(200);
		assertThat(cancelled.text("/job/state")).isEqualTo("cancelled");
		assertThat(cancelled.text("/job/previous_state")).isEqualTo("pending");
		assertError(app.post("/ojs/v1/jobs/" + id + "/activate", ""), 409, "invalid_request");
		// retention deletes it once its age has passed (as if 31 days went by)
		new JdbcTemplate(database.dataSource())
			.update("UPDATE jetway_jobs SET created_at = created_at - INTERVAL '31 days', "
					+ "completed_at = completed_at - INTERVAL '31 days' WHERE id = ?", UUID.fromString(id));
		app.context().getBean(JobRetention.class).cleanUp();
		assertThat(jobsIn(queue)).isZero();
	}

	@Test
	void stagedJobsHaveNoOutboxRowAndAnInProcessQueuesStagedJobIsNotActivated() {
		String queue = queue();
		int pendingBefore = pendingOutboxRows();
		String single = app
			.post("/ojs/v1/jobs",
					Map.of("type", "test.echo", "args", List.of(), "options", Map.of("queue", queue, "pending", true)))
			.text("/job/id");
		Response batch = app.post("/ojs/v1/jobs/batch", Map.of("jobs", List.of(
				Map.of("type", "test.echo", "args", List.of(1), "options", Map.of("queue", queue, "pending", true)),
				Map.of("type", "test.echo", "args", List.of(2), "options", Map.of("queue", queue, "pending", true)))));
		assertThat(batch.status()).as(batch.body()).isEqualTo(201);
		List<String> ids = batch.json().at("/jobs").findValuesAsString("id");
		assertThat(outboxRows(single)).isZero();
		assertThat(outboxRows(ids.get(0)) + outboxRows(ids.get(1))).isZero();
		assertThat(pendingOutboxRows()).isEqualTo(pendingBefore);
		app.delete("/ojs/v1/jobs/" + single);
		ids.forEach((id) -> app.delete("/ojs/v1/jobs/" + id));

		// as for CANCEL: OJS does not activate a job of an in-process queue
		// (the test application has no in-process handler: the staged job is moved there)
		String inProcess = app
			.post("/ojs/v1/jobs",
					Map.of("type", "test.echo", "args", List.of(), "options", Map.of("queue", queue, "pending", true)))
			.text("/job/id");
		new JdbcTemplate(database.dataSource()).update("UPDATE jetway_jobs SET queue = ? WHERE id = ?",
				IN_PROCESS_QUEUE, UUID.fromString(inProcess));
		assertError(app.post("/ojs/v1/jobs/" + inProcess + "/activate", ""), 403, "permission_denied");
		assertThat(app.info(inProcess).text("/job/state")).isEqualTo("pending");
		app.context().getBean(JobClient.class).cancel(UUID.fromString(inProcess));
	}

	@Test
	void aRolledBackBatchCreatesNoQueue() {
		String queue = queue();
		Response rolledBack = app.post("/ojs/v1/jobs/batch", Map
			.of("jobs", List.of(Map.of("type", "test.echo", "args", List.of(), "options", Map.of("queue", queue)),
					Map.of("type", "no.handler", "args", List.of(), "options", Map.of("queue", IN_PROCESS_QUEUE)))));
		assertError(rolledBack, 400, "invalid_job_type");
		assertThat(rolledBack.text("/error/message")).startsWith("Batch validation failed: job at index 1: ");
		Response listed = app.get("/ojs/v1/queues");
		assertThat(listed.status()).isEqualTo(200);
		assertThat(listed.body()).doesNotContain("\"" + queue + "\"");
	}

	@Test
	void aBatchPushEnqueuesAllJobsOrNone() {
		String queue = queue();
		Response pushed = app.post("/ojs/v1/jobs/batch", Map.of("jobs", List.of(
				Map.of("type", "test.echo", "args", List.of(1), "options", Map.of("queue", queue)),
				Map.of("type", "test.echo", "args", List.of(2), "options", Map.of("queue", queue)),
				Map.of("type", "test.echo", "args", List.of(3), "options", Map.of("queue", queue, "pending", true)))));
		assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
		assertThat(pushed.json().at("/count").intValue()).isEqualTo(3);
		assertThat(pushed.json().at("/jobs").findValuesAsString("state")).containsExactly("available", "available",
				"pending");
		List<String> ids = pushed.json().at("/jobs").findValuesAsString("id");
		for (int i = 0; i < 2; i++) {
			Response fetched = awaitFetch(queue);
			assertThat(ids.subList(0, 2)).contains(fetched.text("/jobs/0/id"));
			app.post("/ojs/v1/workers/ack", Map.of("job_id", fetched.text("/jobs/0/id")));
		}
		assertThat(app.fetch(queue, 30_000).json().at("/jobs").size()).isZero();
		app.delete("/ojs/v1/jobs/" + ids.get(2));

		// an invalid envelope at index 1: nothing is enqueued
		String refusedQueue = queue();
		Response invalid = app.post("/ojs/v1/jobs/batch", Map.of("jobs",
				List.of(Map.of("type", "test.echo", "args", List.of(), "options", Map.of("queue", refusedQueue)),
						Map.of("args", List.of(), "options", Map.of("queue", refusedQueue)))));
		assertError(invalid, 400, "invalid_payload");
		assertThat(invalid.text("/error/message")).contains("index 1");
		// a job refused only while enqueueing (no handler for its type on an in-process
		// queue), after the first was enqueued: the transaction rolls back
		Response rolledBack = app.post("/ojs/v1/jobs/batch", Map.of("jobs", List.of(
				Map.of("type", "test.echo", "args", List.of(), "options", Map.of("queue", refusedQueue)),
				Map.of("type", "no.handler", "args", List.of(), "options", Map.of("queue", IN_PROCESS_QUEUE)))));
		assertError(rolledBack, 400, "invalid_job_type");
		assertThat(rolledBack.text("/error/message")).contains("index 1");
		assertThat(jobsIn(refusedQueue)).isZero();
		assertThat(app.fetch(refusedQueue, 30_000).json().at("/jobs").size()).isZero();

		assertError(app.post("/ojs/v1/jobs/batch", Map.of("jobs", List.of())), 400, "invalid_request");
		assertError(app.post("/ojs/v1/jobs/batch", Map.of("no", "jobs")), 400, "invalid_request");
		assertError(app.post("/ojs/v1/jobs/batch", "text/plain", "{\"jobs\":[]}"), 400, "invalid_request");
	}

	@Test
	void delayedAndStagedJobsAreNotFetchedBeforeTheirTimeEvenWhenTheirMessageArrivesEarly() throws Exception {
		String queue = queue();
		// options.scheduled_at relative to now, as the conformance suite sends it
		Response pushed = app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "options",
				Map.of("queue", queue, "scheduled_at", "+PT3S")));
		assertThat(pushed.text("/job/state")).isEqualTo("scheduled");
		String delayed = pushed.text("/job/id");
		Instant at = Instant.parse(pushed.text("/job/scheduled_at"));
		assertThat(at).isAfter(Instant.now().plusSeconds(1));
		String staged = app
			.post("/ojs/v1/jobs",
					Map.of("type", "test.echo", "args", List.of(), "options", Map.of("queue", queue, "pending", true)))
			.text("/job/id");
		// more than 292 years ahead: the hand-back delay is more than a long's
		// nanoseconds
		String farAhead = app
			.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "scheduled_at", "2400-01-01T00:00:00Z",
					"options", Map.of("queue", queue)))
			.text("/job/id");
		// the delayed jobs' messages wait in the outbox; publish them (and one naming the
		// staged job) now, as if they arrived early
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		Map<String, Object> row = jdbc.queryForMap("SELECT subject, payload FROM " + OUTBOX_ROWS_OF_JOB,
				jobMessageBody(delayed));
		String payload = new String((byte[]) row.get("payload"), java.nio.charset.StandardCharsets.UTF_8);
		try (Connection connection = Nats.connect(nats.url())) {
			connection.jetStream().publish((String) row.get("subject"), payload.getBytes());
			connection.jetStream().publish((String) row.get("subject"), payload.replace(delayed, staged).getBytes());
			connection.jetStream().publish((String) row.get("subject"), payload.replace(delayed, farAhead).getBytes());
		}
		Response early = app.post("/ojs/v1/workers/fetch",
				Map.of("queues", List.of(queue), "count", 3, "visibility_timeout_ms", 30_000));
		assertThat(early.status()).as(early.body()).isEqualTo(200);
		assertThat(early.json().at("/jobs").size()).isZero();
		assertThat(app.info(delayed).text("/job/state")).isEqualTo("scheduled");
		assertThat(app.info(staged).text("/job/state")).isEqualTo("pending");
		assertThat(app.info(farAhead).text("/job/state")).isEqualTo("scheduled");
		// due: available before any worker fetches it
		await().atMost(Duration.ofSeconds(10)).until(() -> "available".equals(app.info(delayed).text("/job/state")));
		assertThat(Instant.now()).isAfterOrEqualTo(at);
		assertThat(app.info(delayed).json().at("/job/attempt").intValue()).isZero();
		Response fetched = awaitFetch(queue);
		assertThat(fetched.text("/jobs/0/id")).isEqualTo(delayed);
		app.post("/ojs/v1/workers/ack", Map.of("job_id", delayed));
		assertThat(app.info(staged).text("/job/state")).isEqualTo("pending");
		app.delete("/ojs/v1/jobs/" + staged);
		app.delete("/ojs/v1/jobs/" + farAhead);
	}

	@Test
	void aScheduledAtInThePastIsAnImmediateEnqueue() {
		String queue = queue();
		Response pushed = app.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "options",
				Map.of("queue", queue, "scheduled_at", "2020-01-01T00:00:00Z")));
		assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
		assertThat(pushed.text("/job/state")).isEqualTo("available");
		assertThat(pushed.json().at("/job/scheduled_at").isMissingNode()).isTrue();
		String id = pushed.text("/job/id");
		assertThat(awaitFetch(queue).text("/jobs/0/id")).isEqualTo(id);
		assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id)).status()).isEqualTo(200);
	}

	@Test
	void theConformanceResetEmptiesTheJobStateOnlyWhenEnabled() {
		String queue = queue();
		String id = app.push("test.echo", queue).text("/job/id");
		String scheduled = app
			.post("/ojs/v1/jobs", Map.of("type", "test.echo", "args", List.of(), "scheduled_at", "+PT30S", "options",
					Map.of("queue", queue)))
			.text("/job/id");
		assertThat(outboxRows(scheduled)).isOne();
		// an application message waiting in the outbox is not a job's: the reset keeps it
		UUID own = UUID.randomUUID();
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		jdbc.update("INSERT INTO jetway_outbox (id, subject, payload, headers, status, attempts, created_at, "
				+ "available_at) VALUES (?, 'ojs-levels.own', ?, '{}', 'pending', 0, now(), now() + INTERVAL '1 day')",
				own, new byte[0]);
		// a cron registered over OJS is part of the state a run resets: the suite
		// registers
		// the same names in every run
		Response cron = app.post("/ojs/v1/cron", Map.of("name", "reset-me", "expression", "@daily", "job_template",
				Map.of("type", "test.echo", "options", Map.of("queue", queue))));
		assertThat(cron.status()).as(cron.body()).isEqualTo(201);
		Response reset = app.post("/ojs/v1/admin/reset", "");
		assertThat(reset.status()).as(reset.body()).isEqualTo(200);
		assertThat(reset.json().at("/jobs_deleted").intValue()).isPositive();
		assertThat(reset.json().at("/crons_deleted").intValue()).isOne();
		assertThat(app.get("/ojs/v1/cron").json().at("/crons").size()).isZero();
		assertError(app.info(id), 404, "not_found");
		assertThat(outboxRows(scheduled)).isZero();
		assertThat(outboxRows(own.toString())).isOne();
		jdbc.update("DELETE FROM jetway_outbox WHERE id = ?", own);
		assertThat(app.fetch(queue, 30_000).json().at("/jobs").size()).isZero();
		// the queue still works
		String next = app.push("test.echo", queue).text("/job/id");
		assertThat(awaitFetch(queue).text("/jobs/0/id")).isEqualTo(next);
		app.post("/ojs/v1/workers/ack", Map.of("job_id", next));

		OjsJobsController off = new OjsJobsController(app.context().getBean(OjsProducers.class),
				app.context().getBean(OjsLeases.class), app.context().getBean(OjsQueues.class),
				app.context().getBean(OjsCrons.class), app.context().getBean(WorkerTokens.class), new OjsProperties(),
				OjsTestApplication.json);
		assertThatExceptionOfType(OjsException.class).isThrownBy(off::reset)
			.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(404))
			.withMessageContaining("jetway.jobs.ojs.conformance-reset-enabled");
		assertThat(new OjsProperties().isConformanceResetEnabled()).isFalse();
	}

	/**
	 * @return the outbox rows of the job's message (whose id is not the job's: see
	 * JobMessages.messageId), or of a message with that id
	 */
	private static int outboxRows(String id) {
		return new JdbcTemplate(database.dataSource()).queryForObject(
				"SELECT COUNT(*) FROM " + OUTBOX_ROWS_OF_JOB + " OR id = ?", Integer.class, jobMessageBody(id),
				UUID.fromString(id));
	}

	/** A job's message body starts with its id. */
	private static String jobMessageBody(String jobId) {
		return "{\"id\":\"" + jobId + "\"%";
	}

	private static int pendingOutboxRows() {
		return new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT COUNT(*) FROM jetway_outbox WHERE status = 'pending'", Integer.class);
	}

	private static int jobsIn(String queue) {
		return new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT COUNT(*) FROM jetway_jobs WHERE queue = ?", Integer.class, queue);
	}

	private static Response awaitFetch(String queue) {
		return app.awaitFetch(queue);
	}

}
