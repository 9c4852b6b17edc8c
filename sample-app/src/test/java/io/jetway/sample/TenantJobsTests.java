package io.jetway.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.jetway.publish.JetwayHeaders;
import io.jetway.sample.Api.Response;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs per tenant, as the reference has them: a job enqueued through the API has its
 * message on {@code atlasdb.jobs.{project_id}.{environment_id}.{queue}}, with the tenant
 * in its {@code Jetway-Job-Meta} header, its events on {@code jetway.jobs.events.>} name
 * the project, and the record of whose job it is has the same subject.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.api.keys.acme-dev.key=" + TenantJobsTests.ACME_DEV,
				"sample.api.keys.globex-prod.key=" + TenantJobsTests.GLOBEX_PROD,
				// application.yml lets globex enqueue echo only; here it sends e-mails
				// too
				"sample.api.keys.globex-prod.job-types=send_email,echo" })
@Import(SampleTestInfrastructure.class)
class TenantJobsTests {

	static final String ACME_DEV = "tenant-jobs-acme-dev";

	static final String GLOBEX_PROD = "tenant-jobs-globex-prod";

	@LocalServerPort
	int port;

	@Autowired
	Connection connection;

	@Autowired
	JetStreamManagement management;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void jobMessagesGoToTheTenantsSubjectAndTheirEventsNameTheProject() throws Exception {
		Subscription messages = this.connection.subscribe("atlasdb.jobs.>");
		Subscription events = this.connection.subscribe("jetway.jobs.events.>");
		this.connection.flush(Duration.ofSeconds(5));
		Api api = new Api(this.port);
		String acmeJob = enqueue(api, ACME_DEV);
		String globexJob = enqueue(api, GLOBEX_PROD);
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(List.of(api.get("/jobs/v1/status/" + acmeJob, ACME_DEV).text("status"),
					api.get("/jobs/v1/status/" + globexJob, GLOBEX_PROD).text("status")))
				.containsOnly("completed"));

		Map<String, Message> byJob = byJobId(messages, 2);
		assertThat(byJob.get(acmeJob).getSubject()).isEqualTo("atlasdb.jobs.acme.dev.email");
		assertThat(byJob.get(globexJob).getSubject()).isEqualTo("atlasdb.jobs.globex.prod.email");
		assertThat(Api.json(byJob.get(acmeJob).getHeaders().getFirst(JetwayHeaders.JOB_META)))
			.isEqualTo(Api.json("{\"project_id\":\"acme\",\"environment_id\":\"dev\"}"));

		List<JsonNode> acmeEvents = new ArrayList<>();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			Message message = events.nextMessage(Duration.ofMillis(100));
			if (message != null) {
				JsonNode event = Api.json(new String(message.getData(), StandardCharsets.UTF_8));
				if (event.path("id").asString().equals(acmeJob)) {
					acmeEvents.add(event);
				}
			}
			return acmeEvents.stream().anyMatch((event) -> event.path("status").asString().equals("completed"));
		});
		assertThat(acmeEvents).extracting((event) -> event.path("status").asString())
			.containsExactly("pending", "running", "completed");
		assertThat(acmeEvents).allSatisfy((event) -> {
			assertThat(event.path("meta").path("project_id").asString()).isEqualTo("acme");
			assertThat(event.path("meta").path("environment_id").asString()).isEqualTo("dev");
		});

		assertThat(this.jdbc.queryForObject("select subject from atlas_jobs where job_id = ?", String.class,
				UUID.fromString(acmeJob)))
			.isEqualTo("atlasdb.jobs.acme.dev.email");
		assertThat(this.management.getStreamInfo("JOBS").getConfiguration().getSubjects())
			.contains("atlasdb.jobs.*.*.*");
		assertThat(this.management.getStreamNames()).doesNotContain("ATLAS_JOBS");
		messages.unsubscribe();
		events.unsubscribe();
	}

	private static String enqueue(Api api, String key) {
		Response enqueued = api.post("/jobs/v1/enqueue", key,
				"{\"type\":\"send_email\",\"payload\":{\"to\":\"user@example.com\",\"template\":\"welcome\"}}");
		assertThat(enqueued.status()).as(enqueued.toString()).isEqualTo(201);
		return enqueued.text("id");
	}

	private static Map<String, Message> byJobId(Subscription subscription, int count) {
		Map<String, Message> byJob = new HashMap<>();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			Message message = subscription.nextMessage(Duration.ofMillis(100));
			if (message != null) {
				byJob.put(Api.json(new String(message.getData(), StandardCharsets.UTF_8)).path("id").asString(),
						message);
			}
			return byJob.size() == count;
		});
		return byJob;
	}

}
