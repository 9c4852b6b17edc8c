package io.jetway.jobs.ojs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OJS's records on MariaDB (the MySQL dialect, strict mode): a long error history, worker
 * ids that differ by case, and test directives with
 * {@code jetway.jobs.ojs.conformance-test-directives-enabled} off.
 */
class OjsMariaDbTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final String ADMIN_KEY = "mariadb-admin-key";

	private static TestDatabaseInstance database;

	private static OjsTestApplication app;

	@BeforeAll
	static void start() throws Exception {
		database = databases.get(TestDatabase.MARIADB);
		OjsTestApplication.reset(database, nats.url());
		app = OjsTestApplication.start(database, nats.url(), "jetway.jobs.ojs.admin-key=" + ADMIN_KEY);
	}

	@AfterAll
	static void stop() throws Exception {
		app.close();
		OjsTestApplication.reset(database, nats.url());
	}

	private static String push(String queue, Map<String, Object> options) {
		Map<String, Object> all = new LinkedHashMap<>(options);
		all.put("queue", queue);
		Response pushed = app.post("/ojs/v1/jobs",
				Map.of("type", "test.fail_always", "args", List.of(), "options", all));
		assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
		return pushed.text("/job/id");
	}

	private static void fetch(String queue, String id, String workerId) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			Response fetched = app.post("/ojs/v1/workers/fetch",
					Map.of("queues", List.of(queue), "worker_id", workerId));
			return fetched.json().at("/jobs").size() == 1 && id.equals(fetched.text("/jobs/0/id"));
		});
	}

	@Test
	void everyFailOfAJobWithLongErrorsIsStoredAndItsHistoryStaysUnderTheColumnsSize() {
		String queue = "ojs-mariadb-history";
		String id = push(queue, Map.of("retry", Map.of("max_attempts", 25, "initial_interval", "PT0.001S",
				"max_interval", "PT0.001S", "jitter", false)));
		for (int attempt = 1; attempt <= 25; attempt++) {
			fetch(queue, id, "w-history");
			Response failed = app.post("/ojs/v1/workers/nack",
					Map.of("job_id", id, "error", Map.of("code", "c".repeat(300), "type", "t".repeat(300), "message",
							"é".repeat(2000) + attempt, "details", Map.of("trace", "x".repeat(3900)))));
			assertThat(failed.status()).as("attempt %d: %s", attempt, failed.body()).isEqualTo(200);
		}
		Response discarded = app.info(id);
		assertThat(discarded.text("/job/state")).isEqualTo("discarded");
		List<Integer> attempts = discarded.json()
			.at("/job/errors")
			.findValues("attempt")
			.stream()
			.map((attempt) -> attempt.intValue())
			.toList();
		// the newest entries, as many as fit
		assertThat(attempts).isNotEmpty().endsWith(25);
		assertThat(discarded.text("/job/errors/0/code")).hasSize(255);
		assertThat(discarded.text("/job/errors/0/type")).hasSize(255);
		Integer bytes = new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT LENGTH(ojs_errors) FROM jetway_jobs WHERE id = ?", Integer.class, id);
		assertThat(bytes).isLessThanOrEqualTo(65_535);
	}

	@Test
	void workerIdsThatDifferByCaseAreDifferentWorkers() {
		app.header("X-Jetway-Admin-Key", ADMIN_KEY);
		try {
			app.post("/ojs/v1/admin/workers/Worker-A/state", Map.of("state", "terminate"));
		}
		finally {
			app.header("X-Jetway-Admin-Key", null);
		}
		assertThat(app.post("/ojs/v1/workers/heartbeat", Map.of("worker_id", "Worker-A")).text("/state"))
			.isEqualTo("terminate");
		assertThat(app.post("/ojs/v1/workers/heartbeat", Map.of("worker_id", "worker-a")).text("/state"))
			.isEqualTo("running");
	}

	@Test
	void aStoredTestDirectiveIsIgnoredWithTheDirectivesOff() {
		String queue = "ojs-mariadb-directives";
		String id = push(queue, Map.of());
		// as stored by an application that ran with the directives on
		new JdbcTemplate(database.dataSource()).update(
				"UPDATE jetway_jobs SET ojs_policy = '{\"metadata\":{\"test_directive\":\"quiet\"}}' WHERE id = ?", id);
		fetch(queue, id, "w-directive");
		assertThat(app.post("/ojs/v1/workers/heartbeat", Map.of("worker_id", "w-directive", "active_jobs", List.of(id)))
			.text("/state")).isEqualTo("running");
		app.post("/ojs/v1/workers/ack", Map.of("job_id", id));
	}

}
