package io.jetway.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jetway.sample.Api.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * External workers on the sample app as it is configured (application.yml): the Python
 * worker of docs/external-workers.md, taken from the page as it is, renders thumbnails
 * that a tenant enqueued through the jobs API, with a worker token minted by the admin
 * call; the OJS producer endpoints need the admin key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.api.keys.acme-dev.key=" + ExternalWorkerTests.ACME_DEV,
				// 1,000 enqueues within a minute
				"sample.api.keys.acme-dev.tier=enterprise",
				"jetway.jobs.ojs.admin-key=" + ExternalWorkerTests.ADMIN_KEY })
@Import(SampleTestInfrastructure.class)
class ExternalWorkerTests {

	static final String ACME_DEV = "test-key-acme-dev";

	static final String ADMIN_KEY = "test-ojs-admin-key";

	private static final int JOBS = 1000;

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	Api api;

	@BeforeEach
	void client() {
		this.api = new Api(this.port);
	}

	@Test
	void thePythonWorkerOfTheDocsRendersAThousandThumbnailsEnqueuedThroughTheJobsApi(@TempDir Path directory)
			throws Exception {
		Path worker = directory.resolve("ojs_worker.py");
		Files.writeString(worker, pythonBlock(Files.readString(Path.of("../docs/external-workers.md"))));
		Response minted = admin(HttpMethod.POST, "/ojs/v1/admin/worker-tokens", ADMIN_KEY,
				"{\"name\":\"thumbnail-worker\",\"queues\":[\"thumbnails\"]}");
		assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
		// OJS_QUEUES is left to the worker's default, the sample's queue
		ProcessBuilder builder = new ProcessBuilder("python3", worker.toString()).redirectErrorStream(true)
			.redirectOutput(directory.resolve("worker.log").toFile())
			.directory(directory.toFile());
		builder.environment()
			.putAll(Map.of("OJS_URL", "http://127.0.0.1:" + this.port + "/ojs/v1", "OJS_TOKEN", minted.text("token"),
					"OJS_MAX_JOBS", String.valueOf(JOBS)));
		List<String> ids = new ArrayList<>();
		if (workerStartsOnABacklog()) {
			enqueueThumbnails(ids);
		}
		Process python = builder.start();
		try {
			if (!workerStartsOnABacklog()) {
				enqueueThumbnails(ids);
			}
			boolean exited = python.waitFor(5, TimeUnit.MINUTES);
			String log = Files.readString(directory.resolve("worker.log"));
			assertThat(exited).as(log).isTrue();
			assertThat(python.exitValue()).as(log).isZero();
			assertThat(log).contains("processed " + JOBS).doesNotContain("fetch failed").doesNotContain("was lost");
			for (int i = 0; i < JOBS; i++) {
				Response status = this.api.get("/jobs/v1/status/" + ids.get(i), ACME_DEV);
				assertThat(status.text("status")).as(status.toString()).isEqualTo("completed");
				assertThat(status.body().get("result"))
					.isEqualTo(Api.json("{\"thumbnail\":\"thumbs/photos/" + i + ".jpg\",\"size\":" + i + "}"));
			}
			assertThat(
					this.jdbc.queryForObject(
							"SELECT COUNT(*) FROM jetway_jobs WHERE queue = 'thumbnails' "
									+ "AND type = 'render_thumbnail' AND status = 'completed' AND attempts = 1",
							Integer.class))
				.isEqualTo(JOBS);
			assertThat(this.jdbc.queryForObject(
					"SELECT COUNT(*) FROM atlas_jobs WHERE subject = 'atlasdb.jobs.acme.dev.thumbnails'",
					Integer.class))
				.isEqualTo(JOBS);
			assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM jetway_job_leases", Integer.class)).isZero();
		}
		finally {
			python.destroyForcibly().waitFor();
		}
	}

	/**
	 * @return whether all jobs are enqueued before the worker starts (its first FETCHes
	 * then find a full queue), rather than while it runs
	 */
	boolean workerStartsOnABacklog() {
		return false;
	}

	private void enqueueThumbnails(List<String> ids) {
		for (int i = 0; i < JOBS; i++) {
			Response enqueued = this.api.post("/jobs/v1/enqueue", ACME_DEV,
					"{\"type\":\"render_thumbnail\",\"payload\":{\"image\":\"photos/" + i + ".jpg\",\"size\":" + i
							+ "}}");
			assertThat(enqueued.status()).as(enqueued.toString()).isEqualTo(201);
			ids.add(enqueued.text("id"));
		}
	}

	@Test
	void theProducerEndpointsNeedTheAdminKeyAndTheWorkerEndpointsAWorkerToken() {
		String push = "{\"type\":\"echo\",\"args\":[1]}";
		assertThat(this.api.post("/ojs/v1/jobs", null, push).status()).isEqualTo(401);
		Response withTenantKey = this.api.post("/ojs/v1/jobs", ACME_DEV, push);
		assertThat(withTenantKey.status()).isEqualTo(401);
		assertThat(withTenantKey.body().at("/error/code").asString()).isEqualTo("unauthenticated");
		assertThat(this.api.post("/ojs%2Fv1/jobs", null, push).status()).isEqualTo(401);
		assertThat(this.api.post("/ojs/v1/workers/../jobs", null, push).status()).isEqualTo(401);
		// reaches the filter as written (Tomcat passes encoded slashes through), unlike
		// '/../'
		assertThat(this.api.post("/ojs/v1/workers%2F..%2Fjobs", null, push).status()).isEqualTo(401);
		assertThat(this.api.post("/ojs/v1/workers/%2E%2E/jobs", null, push).status()).isEqualTo(401);
		assertThat(this.api.post("/OJS/v1/jobs", null, push).status()).isEqualTo(401);
		assertThat(this.api.post("/ojs/v1/jobs;x=1", null, push).status()).isEqualTo(401);
		assertThat(this.api.exchange(HttpMethod.PUT, "/ojs/v1/jobs/x%2F..%2F..%2Fqueues/progress", null, "{}", null)
			.status()).isEqualTo(401);
		assertThat(admin(HttpMethod.POST, "/ojs/v1/jobs", "", push).status()).isEqualTo(401);
		assertThat(admin(HttpMethod.POST, "/ojs/v1/jobs", "not-the-admin-key", push).status()).isEqualTo(401);
		assertThat(admin(HttpMethod.GET, "/ojs/v1/queues", null, null).status()).isEqualTo(401);
		assertThat(admin(HttpMethod.POST, "/ojs/v1/admin/worker-tokens", null,
				"{\"name\":\"intruder\",\"queues\":[\"*\"]}")
			.status()).isEqualTo(401);

		Response pushed = admin(HttpMethod.POST, "/ojs/v1/jobs", ADMIN_KEY, push);
		assertThat(pushed.status()).as(pushed.toString()).isEqualTo(201);
		assertThat(admin(HttpMethod.GET, "/ojs/v1/queues", ADMIN_KEY, null).status()).isEqualTo(200);

		assertThat(this.api.get("/ojs/manifest", null).status()).isEqualTo(200);
		Response fetched = this.api.post("/ojs/v1/workers/fetch", null, "{\"queues\":[\"thumbnails\"]}");
		assertThat(fetched.status()).as(fetched.toString()).isEqualTo(401);
		Response fetchedWithTenantKey = this.api.post("/ojs/v1/workers/fetch", ACME_DEV,
				"{\"queues\":[\"thumbnails\"]}");
		assertThat(fetchedWithTenantKey.status()).as(fetchedWithTenantKey.toString()).isEqualTo(401);
	}

	@Test
	void aWorkerReportsProgressWithItsWorkerTokenAlone() {
		Response minted = admin(HttpMethod.POST, "/ojs/v1/admin/worker-tokens", ADMIN_KEY,
				"{\"name\":\"progress-worker\",\"queues\":[\"thumbnails\"]}");
		assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
		Response pushed = admin(HttpMethod.POST, "/ojs/v1/jobs", ADMIN_KEY,
				"{\"type\":\"render_thumbnail\",\"args\":[1],\"options\":{\"queue\":\"thumbnails\"}}");
		assertThat(pushed.status()).as(pushed.toString()).isEqualTo(201);
		String id = pushed.body().at("/job/id").asString();
		String token = minted.text("token");
		await().until(() -> this.api.post("/ojs/v1/workers/fetch", token, "{\"queues\":[\"thumbnails\"],\"count\":1}"),
				(fetched) -> id.equals(fetched.body().at("/jobs/0/id").asString()));
		String progress = "{\"progress\":0.5,\"message\":\"half way\"}";
		assertThat(this.api.exchange(HttpMethod.PUT, "/ojs/v1/jobs/" + id + "/progress", null, progress, null).status())
			.isEqualTo(401);
		Response reported = this.api.exchange(HttpMethod.PUT, "/ojs/v1/jobs/" + id + "/progress", token, progress,
				null);
		assertThat(reported.status()).as(reported.toString()).isEqualTo(200);
		assertThat(admin(HttpMethod.GET, "/ojs/v1/jobs/" + id + "/progress", null, null).status()).isEqualTo(401);
		Response acked = this.api.post("/ojs/v1/workers/ack", token, "{\"job_id\":\"" + id + "\",\"result\":{}}");
		assertThat(acked.status()).as(acked.toString()).isEqualTo(200);
	}

	private Response admin(HttpMethod method, String path, @Nullable String adminKey, @Nullable String body) {
		HttpHeaders headers = new HttpHeaders();
		if (adminKey != null) {
			headers.set("X-Jetway-Admin-Key", adminKey);
		}
		return this.api.send(method, path, headers, body, MediaType.APPLICATION_JSON);
	}

	private static String pythonBlock(String markdown) {
		int start = markdown.indexOf("```python\n");
		assertThat(start).as("a ```python block in docs/external-workers.md").isNotNegative();
		int code = start + "```python\n".length();
		return markdown.substring(code, markdown.indexOf("```", code));
	}

}
