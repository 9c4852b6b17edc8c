package io.jetway.jobs.ojs;

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

import static io.jetway.jobs.ojs.OjsBindingTests.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Worker tokens: minted by an admin (admin key), scoped to queues (403 elsewhere), only
 * their SHA-256 stored, listed without secrets, and refused (401) at once once revoked.
 */
class OjsWorkerTokenTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final String ADMIN_KEY = "test-admin-key";

	private static TestDatabaseInstance database;

	private static OjsTestApplication app;

	@BeforeAll
	static void start() throws Exception {
		database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		app = OjsTestApplication.start(database, nats.url(), "jetway.jobs.ojs.require-worker-token=true",
				"jetway.jobs.ojs.admin-key=" + ADMIN_KEY);
	}

	@AfterAll
	static void stop() throws Exception {
		app.close();
		OjsTestApplication.reset(database, nats.url());
	}

	@Test
	void aTokenServesItsQueuesOnlyAndIsRefusedOnceRevoked() {
		Response minted = mint("media-worker", List.of("media"));
		assertThat(minted.status()).isEqualTo(201);
		String token = minted.text("/token");
		String id = minted.text("/id");
		assertThat(token).startsWith("wkr_");
		// only the hash is stored
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		assertThat(
				jdbc.queryForObject("SELECT token_hash FROM jetway_worker_tokens WHERE id = ?::uuid", String.class, id))
			.isEqualTo(WorkerTokens.sha256(token))
			.doesNotContain(token);
		Response listed = app.header("X-Jetway-Admin-Key", ADMIN_KEY).get("/ojs/v1/admin/worker-tokens");
		app.header("X-Jetway-Admin-Key", null);
		assertThat(listed.status()).isEqualTo(200);
		assertThat(listed.body()).contains("media-worker").doesNotContain(token).doesNotContain("token_hash");

		String job = app.push("video.render", "media").text("/job/id");
		String other = app.push("video.render", "billing").text("/job/id");
		app.header("Authorization", "Bearer " + token);
		assertError(app.fetch("billing", 30_000), 403, "permission_denied");
		Response fetched = app.fetch("media", 30_000);
		assertThat(fetched.status()).isEqualTo(200);
		assertThat(fetched.text("/jobs/0/id")).isEqualTo(job);
		// a job of another queue cannot be acknowledged with this token either
		assertError(app.post("/ojs/v1/workers/ack", Map.of("job_id", other)), 403, "permission_denied");

		app.header("Authorization", null);
		assertError(app.fetch("media", 30_000), 401, "unauthenticated");
		app.header("Authorization", "Bearer wkr_0000");
		assertError(app.fetch("media", 30_000), 401, "unauthenticated");

		app.header("Authorization", null).header("X-Jetway-Admin-Key", ADMIN_KEY);
		assertThat(app.delete("/ojs/v1/admin/worker-tokens/" + id).status()).isEqualTo(200);
		assertError(app.delete("/ojs/v1/admin/worker-tokens/" + id), 404, "not_found");
		app.header("X-Jetway-Admin-Key", null).header("Authorization", "Bearer " + token);
		assertError(app.post("/ojs/v1/workers/ack", Map.of("job_id", job)), 401, "unauthenticated");
		assertError(app.fetch("media", 30_000), 401, "unauthenticated");
		app.header("Authorization", null);
		assertThat(app.info(job).text("/job/state")).isEqualTo("active");
	}

	@Test
	void aWildcardTokenServesEveryQueue() {
		String token = mint("any", List.of("*")).text("/token");
		String job = app.push("test.echo", "anything").text("/job/id");
		app.header("Authorization", "Bearer " + token);
		try {
			assertThat(app.fetch("anything", 30_000).text("/jobs/0/id")).isEqualTo(job);
			assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", job)).status()).isEqualTo(200);
		}
		finally {
			app.header("Authorization", null);
		}
	}

	@Test
	void adminCallsNeedTheAdminKey() {
		assertError(app.post("/ojs/v1/admin/worker-tokens", Map.of("name", "x", "queues", List.of("*"))), 401,
				"unauthenticated");
		app.header("X-Jetway-Admin-Key", "wrong");
		try {
			assertError(app.get("/ojs/v1/admin/worker-tokens"), 401, "unauthenticated");
		}
		finally {
			app.header("X-Jetway-Admin-Key", null);
		}
		Response noQueues = mint("x", List.of());
		assertError(noQueues, 400, "invalid_request");
	}

	private static Response mint(String name, List<String> queues) {
		app.header("X-Jetway-Admin-Key", ADMIN_KEY);
		try {
			return app.post("/ojs/v1/admin/worker-tokens", Map.of("name", name, "queues", queues));
		}
		finally {
			app.header("X-Jetway-Admin-Key", null);
		}
	}

}
