package io.jetway.sample;

import java.nio.charset.StandardCharsets;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.jetway.jobs.JobWebhookUrlValidator;
import io.jetway.sample.Api.Response;
import io.jetway.sample.api.EnqueueRateLimiter;
import io.jetway.sample.api.RateLimitedException;
import io.jetway.sample.api.Tenant;
import io.jetway.sample.api.Tier;
import io.jetway.sample.api.WebhookUrls;
import io.jetway.sample.nats.EmbeddedNatsFallback;
import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The events and jobs API of the AtlasDB reference document, driven over HTTP against a
 * private nats-server and a fresh H2 database: the document's curl examples in order,
 * authentication, bad requests, unknown resources, tier limits and isolation between
 * projects and environments, with the state they leave in NATS and the database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.api.keys.acme-dev.key=" + EventsAndJobsApiTests.ACME_DEV,
				"sample.api.keys.globex-prod.key=" + EventsAndJobsApiTests.GLOBEX_PROD,
				"sample.api.keys.acme-staging.key=" + EventsAndJobsApiTests.ACME_STAGING,
				"sample.api.keys.acme-staging.project-id=acme", "sample.api.keys.acme-staging.environment-id=staging",
				"sample.api.keys.acme-staging.tier=enterprise",
				"sample.api.keys.acme-staging.job-types=send_email,echo,retired_type",
				"sample.api.keys.limited.key=" + EventsAndJobsApiTests.LIMITED,
				"sample.api.keys.limited.project-id=limited", "sample.api.keys.limited.environment-id=test",
				"sample.api.keys.limited.tier=free", "sample.api.keys.limited.job-types=echo",
				"sample.api.keys.quota.key=" + EventsAndJobsApiTests.QUOTA, "sample.api.keys.quota.project-id=quota",
				"sample.api.keys.quota.environment-id=test",
				"sample.api.keys.refused.key=" + EventsAndJobsApiTests.REFUSED,
				"sample.api.keys.refused.project-id=refused", "sample.api.keys.refused.environment-id=test",
				"sample.api.keys.refused.tier=free", "sample.api.keys.refused.job-types=echo,retired_type",
				"sample.api.quotas.max-streams=6", "sample.api.quotas.max-consumers=4",
				"sample.api.quotas.default-stream-max-bytes=1MB", "sample.api.quotas.max-stream-max-bytes=8MB" })
@Import(SampleTestInfrastructure.class)
class EventsAndJobsApiTests {

	static final String ACME_DEV = "test-key-acme-dev";

	static final String GLOBEX_PROD = "test-key-globex-prod";

	static final String ACME_STAGING = "test-key-acme-staging";

	static final String LIMITED = "test-key-limited-free";

	static final String QUOTA = "test-key-quota-test";

	static final String REFUSED = "test-key-refused-test";

	static final int MAX_REQUEST_BYTES = 512 * 1024;

	@LocalServerPort
	int port;

	@Autowired
	NatsServerProcess natsServer;

	@Autowired
	Connection connection;

	@Autowired
	JetStreamManagement management;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JobWebhookUrlValidator webhookUrls;

	@Autowired
	EmbeddedNatsFallback embeddedNats;

	@Autowired
	EnqueueRateLimiter rateLimiter;

	@Autowired
	PlatformTransactionManager transactionManager;

	Api api;

	@BeforeEach
	void client() {
		this.api = new Api(this.port);
	}

	@Test
	void connectsToTheTestsServerWithoutStartingOne() {
		Response nats = this.api.get("/nats", null);
		assertThat(nats.status()).isEqualTo(200);
		assertThat(nats.text("url")).isEqualTo(this.natsServer.url());
		assertThat(nats.body().path("jetStream").asBoolean()).isTrue();
		assertThat(this.embeddedNats.getServer()).isNull();
	}

	@Test
	void referenceDocumentExamplesInOrder() throws Exception {
		// Publish a Fire-and-Forget Event
		Subscription subscriber = this.connection.subscribe("atlasdb.acme.dev.>");
		this.connection.flush(Duration.ofSeconds(5));
		Response published = this.api.post("/events/v1/publish", ACME_DEV, """
				{
				  "subject": "user.signup",
				  "payload": {
				    "user_id": "abc-123",
				    "email": "user@example.com"
				  }
				}""");
		assertThat(published.status()).isEqualTo(200);
		assertThat(published.body()).isEqualTo(Api.json("{\"subject\":\"user.signup\",\"published\":true}"));
		Message event = subscriber.nextMessage(Duration.ofSeconds(5));
		assertThat(event.getSubject()).isEqualTo("atlasdb.acme.dev.user.signup");
		assertThat(Api.json(new String(event.getData(), StandardCharsets.UTF_8)))
			.isEqualTo(Api.json("{\"user_id\":\"abc-123\",\"email\":\"user@example.com\"}"));
		subscriber.unsubscribe();

		// Create a Durable Stream
		Response stream = this.api.post("/events/v1/streams", ACME_DEV, """
				{
				  "name": "payments",
				  "subjects": ["payment.>"],
				  "max_age_secs": 86400
				}""");
		assertThat(stream.status()).isEqualTo(201);
		assertThat(stream.body()).isEqualTo(Api.json("""
				{"name":"payments","subjects":["payment.>"],"max_bytes":1048576,"max_age_secs":86400,
				 "messages":0,"created":true}"""));
		StreamInfo info = this.management.getStreamInfo("ATLAS_acme_dev_payments");
		assertThat(info.getConfiguration().getSubjects())
			.containsExactly("atlasdb.streams.acme.dev.payments.payment.>");
		assertThat(info.getConfiguration().getMaxAge()).isEqualTo(Duration.ofDays(1));

		// Publish to a Stream
		Response toStream = this.api.post("/events/v1/streams/payments/publish", ACME_DEV, """
				{
				  "subject": "payment.completed",
				  "payload": {
				    "order_id": "ord-456",
				    "amount": 99.99
				  }
				}""");
		assertThat(toStream.status()).isEqualTo(200);
		assertThat(toStream.body()).isEqualTo(Api
			.json("{\"stream\":\"payments\",\"subject\":\"payment.completed\",\"sequence\":1,\"duplicate\":false}"));
		assertThat(this.management.getStreamInfo("ATLAS_acme_dev_payments").getStreamState().getMsgCount())
			.isEqualTo(1);
		assertThat(this.management.getMessage("ATLAS_acme_dev_payments", 1).getSubject())
			.isEqualTo("atlasdb.streams.acme.dev.payments.payment.completed");

		// Create a Consumer and Pull Messages
		Response consumer = this.api.post("/events/v1/streams/payments/consumers", ACME_DEV,
				"{\"name\": \"invoice-generator\"}");
		assertThat(consumer.status()).isEqualTo(201);
		assertThat(consumer.body()).isEqualTo(Api.json("""
				{"name":"invoice-generator","stream":"payments","filter_subject":null,"num_pending":1,
				 "created":true}"""));
		Response pulled = this.api.post("/events/v1/streams/payments/consumers/invoice-generator/pull", ACME_DEV, null);
		assertThat(pulled.status()).isEqualTo(200);
		assertThat(pulled.body().path("messages")).hasSize(1);
		assertThat(pulled.body().at("/messages/0/subject").asString()).isEqualTo("payment.completed");
		assertThat(pulled.body().at("/messages/0/payload"))
			.isEqualTo(Api.json("{\"order_id\":\"ord-456\",\"amount\":99.99}"));
		assertThat(pulled.body().at("/messages/0/sequence").asLong()).isEqualTo(1);
		ConsumerInfo acked = this.management.getConsumerInfo("ATLAS_acme_dev_payments", "invoice-generator");
		assertThat(acked.getNumAckPending()).isZero();
		assertThat(acked.getNumPending()).isZero();
		assertThat(acked.getAckFloor().getStreamSequence()).isEqualTo(1);
		assertThat(this.api.post("/events/v1/streams/payments/consumers/invoice-generator/pull", ACME_DEV, null).body())
			.isEqualTo(Api.json("{\"messages\":[]}"));

		// Enqueue a Background Job: the document's request has a webhook URL, which goes
		// to Jetway's webhook URL validator (SSRF rules)
		String enqueueWithWebhook = """
				{
				  "type": "send_email",
				  "payload": {
				    "to": "user@example.com",
				    "template": "welcome"
				  },
				  "webhook_url": "https://myapp.com/webhooks/job-complete"
				}""";
		String refusal = webhookRefusal("https://myapp.com/webhooks/job-complete");
		Response enqueued = this.api.post("/jobs/v1/enqueue", ACME_DEV, enqueueWithWebhook);
		if (refusal != null) {
			// the tests' resolver knows no public name: a generic refusal, not the
			// resolver's error
			assertThat(enqueued.status()).isEqualTo(400);
			assertThat(enqueued.body())
				.isEqualTo(Api.json("{\"error\":\"" + WebhookUrls.REFUSED_BY_DNS + "\",\"field\":\"webhook_url\"}"));
			assertThat(this.jdbc.queryForObject("select count(*) from jetway_jobs where webhook_url is not null",
					Integer.class))
				.isZero();
			enqueued = this.api.post("/jobs/v1/enqueue", ACME_DEV, enqueueWithWebhook
				.replace(",\n  \"webhook_url\": \"https://myapp.com/webhooks/job-complete\"", ""));
		}
		assertThat(enqueued.status()).isEqualTo(201);
		String jobId = enqueued.text("id");
		assertThat(enqueued.headers().getLocation()).hasToString("/jobs/v1/status/" + jobId);

		// Check Job Status
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(this.api.get("/jobs/v1/status/" + jobId, ACME_DEV).text("status"))
				.isEqualTo("completed"));
		Response status = this.api.get("/jobs/v1/status/" + jobId, ACME_DEV);
		assertThat(status.status()).isEqualTo(200);
		assertThat(List.copyOf(status.body().propertyNames())).containsExactly("id", "status", "result", "error",
				"created_at", "completed_at");
		assertThat(status.text("id")).isEqualTo(jobId);
		assertThat(status.body().path("result")).isEqualTo(Api.json("{\"sent\":true}"));
		assertThat(status.body().path("error").isNull()).isTrue();
		assertThat(status.text("created_at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
		assertThat(status.text("completed_at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
		assertThat(this.jdbc.queryForMap("select type, queue, status from jetway_jobs where id = ?",
				java.util.UUID.fromString(jobId)))
			.containsEntry("TYPE", "send_email")
			.containsEntry("QUEUE", "email")
			.containsEntry("STATUS", "completed");
		assertThat(this.jdbc.queryForMap("select project_id, environment_id, subject from atlas_jobs where job_id = ?",
				java.util.UUID.fromString(jobId)))
			.containsEntry("PROJECT_ID", "acme")
			.containsEntry("ENVIRONMENT_ID", "dev")
			.containsEntry("SUBJECT", "atlasdb.jobs.acme.dev.email");
	}

	@Test
	void everyEndpointRequiresAKey() {
		List<String[]> endpoints = List.of(new String[] { "POST", "/events/v1/publish" },
				new String[] { "POST", "/events/v1/streams" },
				new String[] { "POST", "/events/v1/streams/payments/publish" },
				new String[] { "POST", "/events/v1/streams/payments/consumers" },
				new String[] { "POST", "/events/v1/streams/payments/consumers/c/pull" },
				new String[] { "POST", "/jobs/v1/enqueue" },
				new String[] { "GET", "/jobs/v1/status/01a20903-3bd0-7000-94c9-77eb8abc2647" },
				new String[] { "POST", "/orders" },
				new String[] { "GET", "/orders/01a20903-3bd0-7000-94c9-77eb8abc2647" },
				new String[] { "GET", "/orders/dead-letters" });
		for (String[] endpoint : endpoints) {
			HttpMethod method = HttpMethod.valueOf(endpoint[0]);
			String body = (method == HttpMethod.POST) ? "{\"subject\":\"a\",\"payload\":{}}" : null;
			Response missing = this.api.exchange(method, endpoint[1], null, body, MediaType.APPLICATION_JSON);
			assertThat(missing.status()).as(endpoint[1]).isEqualTo(401);
			assertThat(missing.headers().getFirst("WWW-Authenticate")).isEqualTo("Bearer");
			assertThat(missing.body().path("error").asString()).startsWith("Missing API key");
			Response wrong = this.api.exchange(method, endpoint[1], "sk_wrong_key", body, MediaType.APPLICATION_JSON);
			assertThat(wrong.status()).as(endpoint[1]).isEqualTo(401);
			assertThat(wrong.body()).isEqualTo(Api.json("{\"error\":\"Invalid API key\",\"field\":\"Authorization\"}"));
		}
		assertThat(this.api.exchange(HttpMethod.POST, "/events/v1/publish", null, "{}", null).status()).isEqualTo(401);
	}

	@Test
	void badRequestsNameTheField() {
		assertBadRequest(this.api.post("/events/v1/publish", ACME_DEV, "{\"payload\":{}}"), "subject",
				"'subject' is required");
		assertBadRequest(this.api.post("/events/v1/publish", ACME_DEV, "{\"subject\":\"user.*\",\"payload\":{}}"),
				"subject", "'subject' must not contain wildcards");
		assertBadRequest(this.api.post("/events/v1/publish", ACME_DEV, "{\"subject\":\"user.>\",\"payload\":{}}"),
				"subject", "'subject' must not contain wildcards");
		assertBadRequest(this.api.post("/events/v1/publish", ACME_DEV, "{\"subject\":\"user..signup\",\"payload\":{}}"),
				"subject", "'user..signup' is not a valid subject");
		assertBadRequest(this.api.post("/events/v1/publish", ACME_DEV, "{\"subject\":\"user.signup\"}"), "payload",
				"'payload' is required");
		assertBadRequest(this.api.post("/events/v1/publish", ACME_DEV, "{\"subject\": \"user.signup\", "), "body",
				"The request body is not valid JSON");
		assertBadRequest(this.api.post("/events/v1/publish", ACME_DEV, "subject=user.signup"), "body",
				"The request body is not valid JSON");
		assertBadRequest(this.api.post("/events/v1/publish", ACME_DEV, "[1,2]"), "body", "must be a JSON object");

		assertBadRequest(
				this.api.post("/events/v1/streams", ACME_DEV, "{\"name\":\"pay.ments\",\"subjects\":[\"a.>\"]}"),
				"name", "'pay.ments' is not a valid stream name");
		assertBadRequest(
				this.api.post("/events/v1/streams", ACME_DEV, "{\"name\":\"pay ments\",\"subjects\":[\"a.>\"]}"),
				"name", "'pay ments' is not a valid stream name");
		assertBadRequest(this.api.post("/events/v1/streams", ACME_DEV, "{\"name\":\"bad\"}"), "subjects",
				"'subjects' is required");
		assertBadRequest(
				this.api.post("/events/v1/streams", ACME_DEV, "{\"name\":\"bad\",\"subjects\":[\"a.>\", \"b.>.c\"]}"),
				"subjects[1]", "'b.>.c' is not a valid subject");
		assertBadRequest(
				this.api.post("/events/v1/streams", ACME_DEV,
						"{\"name\":\"bad\",\"subjects\":[\"a.>\"],\"max_age_secs\":-1}"),
				"max_age_secs", "'max_age_secs' must not be negative");
		assertBadRequest(
				this.api.post("/events/v1/streams/pay.ments/publish", ACME_DEV,
						"{\"subject\":\"payment.completed\",\"payload\":{}}"),
				"stream_name", "not a valid stream name");

		this.api.post("/events/v1/streams", ACME_DEV, "{\"name\":\"checks\",\"subjects\":[\"check.>\"]}");
		assertBadRequest(this.api.post("/events/v1/streams/checks/publish", ACME_DEV,
				"{\"subject\":\"check.*\",\"payload\":{}}"), "subject", "must not contain wildcards");
		assertBadRequest(
				this.api.post("/events/v1/streams/checks/publish", ACME_DEV,
						"{\"subject\":\"other.thing\",\"payload\":{}}"),
				"subject", "Stream 'checks' does not capture subject 'other.thing'; its subjects are [check.>]");
		assertBadRequest(this.api.post("/events/v1/streams/checks/consumers", ACME_DEV, "{\"name\":\"a.b\"}"), "name",
				"'a.b' is not a valid consumer name");
		assertBadRequest(
				this.api.post("/events/v1/streams/checks/consumers", ACME_DEV,
						"{\"name\":\"c\",\"filter_subject\":\"other.>\"}"),
				"filter_subject", "filter_subject 'other.>' matches none");
		this.api.post("/events/v1/streams/checks/consumers", ACME_DEV, "{\"name\":\"c\"}");
		assertBadRequest(this.api.post("/events/v1/streams/checks/consumers/c/pull?batch=0", ACME_DEV, null), "batch",
				"'batch' must be between 1 and 256");

		assertBadRequest(this.api.post("/jobs/v1/enqueue", ACME_DEV, "{\"payload\":{}}"), "type", "'type' is required");
		assertBadRequest(this.api.post("/jobs/v1/enqueue", ACME_DEV, "{\"type\":\"echo\"}"), "payload",
				"'payload' is required");
		assertBadRequest(
				this.api.post("/jobs/v1/enqueue", ACME_DEV, "{\"type\":\"echo\",\"payload\":{},\"delay_seconds\":-5}"),
				"delay_seconds", "'delay_seconds' must not be negative, was -5");
		assertBadRequest(
				this.api.post("/jobs/v1/enqueue", ACME_DEV,
						"{\"type\":\"echo\",\"payload\":{},\"delay_seconds\":\"soon\"}"),
				"delay_seconds", "'delay_seconds' must be an integer");
		assertBadRequest(this.api.post("/jobs/v1/enqueue", ACME_STAGING, "{\"type\":\"retired_type\",\"payload\":{}}"),
				"type", "No @JobHandler handles job type 'retired_type'");
		assertBadRequest(this.api.post("/jobs/v1/enqueue", ACME_DEV, "not json"), "body",
				"The request body is not valid JSON");
		for (String url : List.of("http://localhost:8080/hook", "http://169.254.169.254/latest/meta-data",
				"http://10.0.0.7/hook", "ftp://example.com/hook")) {
			String refusal = webhookRefusal(url);
			Response refused = this.api.post("/jobs/v1/enqueue", ACME_DEV,
					"{\"type\":\"echo\",\"payload\":{},\"webhook_url\":\"" + url + "\"}");
			assertThat(refusal).as(url).isNotNull();
			assertThat(refused.status()).isEqualTo(400);
			assertThat(refused.body())
				.isEqualTo(Api.json("{\"error\":\"webhook_url refused: " + refusal + "\",\"field\":\"webhook_url\"}"));
		}
		assertBadRequest(this.api.get("/jobs/v1/status/not-a-uuid", ACME_DEV), "job_id", "is not a job id");
		assertThat(this.jdbc.queryForObject(
				"select count(*) from atlas_jobs where project_id = 'acme' " + "and type in ('retired_type')",
				Integer.class))
			.isZero();
	}

	@Test
	void unknownStreamsConsumersAndJobsAreNotFound() {
		assertNotFound(
				this.api.post("/events/v1/streams/nowhere/publish", ACME_DEV, "{\"subject\":\"a.b\",\"payload\":{}}"),
				"Stream 'nowhere' not found");
		assertNotFound(this.api.post("/events/v1/streams/nowhere/consumers", ACME_DEV, "{\"name\":\"c\"}"),
				"Stream 'nowhere' not found");
		assertNotFound(this.api.post("/events/v1/streams/nowhere/consumers/c/pull", ACME_DEV, null),
				"Stream 'nowhere' not found");
		this.api.post("/events/v1/streams", ACME_DEV, "{\"name\":\"lonely\",\"subjects\":[\"x.>\"]}");
		assertNotFound(this.api.post("/events/v1/streams/lonely/consumers/nobody/pull", ACME_DEV, null),
				"Consumer 'nobody' not found on stream 'lonely'");
		assertNotFound(this.api.get("/jobs/v1/status/01a20903-3bd0-7000-94c9-77eb8abc2647", ACME_DEV),
				"Job 01a20903-3bd0-7000-94c9-77eb8abc2647 not found");
	}

	@Test
	void freeTierEnqueuesTwentyJobsPerMinute() {
		for (int i = 0; i < 20; i++) {
			assertThat(this.api.post("/jobs/v1/enqueue", LIMITED, "{\"type\":\"echo\",\"payload\":{\"n\":" + i + "}}")
				.status()).as("enqueue %d", i).isEqualTo(201);
		}
		Response limited = this.api.post("/jobs/v1/enqueue", LIMITED, "{\"type\":\"echo\",\"payload\":{\"n\":20}}");
		assertThat(limited.status()).isEqualTo(429);
		long retryAfter = Long.parseLong(limited.headers().getFirst("Retry-After"));
		assertThat(retryAfter).isBetween(1L, 60L);
		assertThat(limited.text("error"))
			.startsWith("Project 'limited' (free tier) may enqueue 20 jobs per minute; retry in ");
		assertThat(
				this.jdbc.queryForObject("select count(*) from atlas_jobs where project_id = 'limited'", Integer.class))
			.isEqualTo(20);
		// other projects have their own allowance
		assertThat(this.api.post("/jobs/v1/enqueue", GLOBEX_PROD, "{\"type\":\"echo\",\"payload\":{}}").status())
			.isEqualTo(201);
	}

	@Test
	void projectsAndEnvironmentsNeverSeeEachOther() throws Exception {
		// pub/sub
		Subscription acme = this.connection.subscribe("atlasdb.acme.>");
		Subscription globex = this.connection.subscribe("atlasdb.globex.>");
		this.connection.flush(Duration.ofSeconds(5));
		this.api.post("/events/v1/publish", GLOBEX_PROD, "{\"subject\":\"user.signup\",\"payload\":{\"who\":\"g\"}}");
		assertThat(globex.nextMessage(Duration.ofSeconds(5)).getSubject()).isEqualTo("atlasdb.globex.prod.user.signup");
		assertThat(acme.nextMessage(Duration.ofMillis(300))).isNull();
		acme.unsubscribe();
		globex.unsubscribe();

		// streams: both projects (and acme's two environments) have their own 'audit'
		assertThat(this.api.post("/events/v1/streams", ACME_DEV, "{\"name\":\"audit\",\"subjects\":[\"audit.>\"]}")
			.status()).isEqualTo(201);
		this.api.post("/events/v1/streams/audit/publish", ACME_DEV,
				"{\"subject\":\"audit.login\",\"payload\":\"acme\"}");
		this.api.post("/events/v1/streams/audit/consumers", ACME_DEV, "{\"name\":\"reader\"}");
		for (String other : List.of(GLOBEX_PROD, ACME_STAGING)) {
			assertNotFound(this.api.post("/events/v1/streams/audit/publish", other,
					"{\"subject\":\"audit.login\",\"payload\":\"intruder\"}"), "Stream 'audit' not found");
			assertNotFound(this.api.post("/events/v1/streams/audit/consumers", other, "{\"name\":\"reader\"}"),
					"Stream 'audit' not found");
			assertNotFound(this.api.post("/events/v1/streams/audit/consumers/reader/pull", other, null),
					"Stream 'audit' not found");
		}
		Response globexStream = this.api.post("/events/v1/streams", GLOBEX_PROD,
				"{\"name\":\"audit\",\"subjects\":[\"audit.>\"]}");
		assertThat(globexStream.status()).isEqualTo(201);
		assertThat(globexStream.body().path("messages").asLong()).isZero();
		this.api.post("/events/v1/streams/audit/publish", GLOBEX_PROD,
				"{\"subject\":\"audit.login\",\"payload\":\"globex\"}");
		this.api.post("/events/v1/streams/audit/consumers", GLOBEX_PROD, "{\"name\":\"reader\"}");
		assertThat(payloads(this.api.post("/events/v1/streams/audit/consumers/reader/pull", GLOBEX_PROD, null)))
			.containsExactly("globex");
		assertThat(payloads(this.api.post("/events/v1/streams/audit/consumers/reader/pull", ACME_DEV, null)))
			.containsExactly("acme");
		assertThat(this.management.getStreamInfo("ATLAS_acme_dev_audit").getConfiguration().getSubjects())
			.containsExactly("atlasdb.streams.acme.dev.audit.audit.>");
		assertThat(this.management.getStreamInfo("ATLAS_globex_prod_audit").getConfiguration().getSubjects())
			.containsExactly("atlasdb.streams.globex.prod.audit.audit.>");

		// jobs
		String jobId = this.api.post("/jobs/v1/enqueue", ACME_DEV, "{\"type\":\"echo\",\"payload\":{\"secret\":1}}")
			.text("id");
		assertThat(this.api.get("/jobs/v1/status/" + jobId, ACME_DEV).status()).isEqualTo(200);
		assertNotFound(this.api.get("/jobs/v1/status/" + jobId, GLOBEX_PROD), "Job " + jobId + " not found");
		assertNotFound(this.api.get("/jobs/v1/status/" + jobId, ACME_STAGING), "Job " + jobId + " not found");
	}

	@Test
	void failedAndDelayedJobs() {
		String failing = this.api
			.post("/jobs/v1/enqueue", ACME_STAGING, "{\"type\":\"send_email\",\"payload\":{\"template\":\"welcome\"}}")
			.text("id");
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(this.api.get("/jobs/v1/status/" + failing, ACME_STAGING).text("status"))
				.isEqualTo("failed"));
		Response failed = this.api.get("/jobs/v1/status/" + failing, ACME_STAGING);
		assertThat(failed.text("error")).contains("send_email needs 'to', an e-mail address");
		assertThat(failed.body().path("result").isNull()).isTrue();
		assertThat(failed.text("completed_at")).isNotEmpty();

		Response delayed = this.api.post("/jobs/v1/enqueue", ACME_STAGING,
				"{\"type\":\"echo\",\"payload\":{\"later\":true},\"delay_seconds\":2}");
		assertThat(delayed.status()).isEqualTo(201);
		String id = delayed.text("id");
		assertThat(this.api.get("/jobs/v1/status/" + id, ACME_STAGING).text("status")).isEqualTo("pending");
		assertThat(this.jdbc.queryForObject("select status from jetway_jobs where id = ?", String.class,
				java.util.UUID.fromString(id)))
			.isEqualTo("scheduled");
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(this.api.get("/jobs/v1/status/" + id, ACME_STAGING).text("status"))
				.isEqualTo("completed"));
		assertThat(this.api.get("/jobs/v1/status/" + id, ACME_STAGING).body().path("result"))
			.isEqualTo(Api.json("{\"later\":true}"));
	}

	@Test
	void badInputIsRefusedWithJsonNeverWithAServerError() throws Exception {
		String longSubject = "a".repeat(100_000);
		for (String path : List.of("/events/v1/publish", "/events/v1/streams/inputs/publish")) {
			this.api.post("/events/v1/streams", ACME_DEV, "{\"name\":\"inputs\",\"subjects\":[\">\"]}");
			assertBadRequestExactly(
					this.api.post(path, ACME_DEV, "{\"subject\":\"" + longSubject + "\",\"payload\":{}}"), "subject",
					"'subject' is 100000 characters long; the limit is 256");
			// about 1 MB over the limit, within Tomcat's default max-swallow-size (2 MB)
			String big = "{\"subject\":\"big.payload\",\"payload\":\"" + "x".repeat(MAX_REQUEST_BYTES + 1024 * 1024)
					+ "\"}";
			Response tooLarge = this.api.post(path, ACME_DEV, big);
			assertThat(tooLarge.status()).as(path).isEqualTo(413);
			assertThat(tooLarge.headers().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
			assertThat(tooLarge.body()).isEqualTo(Api
				.json("{\"error\":\"The request body is " + big.length() + " bytes; the limit is " + MAX_REQUEST_BYTES
						+ " bytes (sample.api.max-request-size): send a smaller payload\",\"field\":\"body\"}"));
		}
		assertThat(this.management.getStreamInfo("ATLAS_acme_dev_inputs").getStreamState().getMsgCount()).isZero();
		assertBadRequestExactly(
				this.api.post("/events/v1/streams", ACME_DEV,
						"{\"name\":\"forever\",\"subjects\":[\"a.>\"],\"max_age_secs\":" + Long.MAX_VALUE + "}"),
				"max_age_secs", "'max_age_secs' must be at most 315360000 (10 years), was " + Long.MAX_VALUE);
		assertBadRequestExactly(
				this.api.post("/jobs/v1/enqueue", ACME_DEV,
						"{\"type\":\"echo\",\"payload\":{},\"delay_seconds\":" + Long.MAX_VALUE + "}"),
				"delay_seconds", "'delay_seconds' must be at most 31536000 (a year), was " + Long.MAX_VALUE);
		assertBadRequestExactly(
				this.api.post("/events/v1/streams/pay%2Fments/publish", ACME_DEV,
						"{\"subject\":\"payment.completed\",\"payload\":{}}"),
				"stream_name", "'pay/ments' is not a valid stream name: use 1 to 64 letters, digits, '_' and '-'");
		assertBadRequestExactly(this.api.get("/jobs/v1/status/a%2Fb", ACME_DEV), "job_id",
				"'a/b' is not a job id (a UUID)");
		assertBadRequestExactly(this.api.get("/jobs/v1/status/" + "f".repeat(1000), ACME_DEV), "job_id",
				"'" + "f".repeat(80) + "... (1000 characters)' is not a job id (a UUID)");
		assertThat(this.management.getStreamNames()).doesNotContain("ATLAS_acme_dev_forever");
		this.management.deleteStream("ATLAS_acme_dev_inputs");
	}

	@Test
	void jobTypesOutsideTheKeysAllowListAreForbidden() {
		Integer before = this.jdbc.queryForObject("select count(*) from jetway_jobs", Integer.class);
		Response reportByAcme = this.api.post("/jobs/v1/enqueue", ACME_DEV,
				"{\"type\":\"build_report\",\"payload\":{}}");
		assertThat(reportByAcme.status()).isEqualTo(403);
		assertThat(reportByAcme.body()).isEqualTo(Api.json("{\"error\":\"This API key may not enqueue jobs of type "
				+ "'build_report'; it may enqueue echo, render_thumbnail, send_email (sample.api.keys.acme-dev.job-types)\","
				+ "\"field\":\"type\"}"));
		Response emailByGlobex = this.api.post("/jobs/v1/enqueue", GLOBEX_PROD,
				"{\"type\":\"send_email\",\"payload\":{\"to\":\"anyone@example.com\"}}");
		assertThat(emailByGlobex.status()).isEqualTo(403);
		assertThat(emailByGlobex.text("error")).startsWith("This API key may not enqueue jobs of type 'send_email'");
		Response byKeyWithoutTypes = this.api.post("/jobs/v1/enqueue", QUOTA, "{\"type\":\"echo\",\"payload\":{}}");
		assertThat(byKeyWithoutTypes.status()).isEqualTo(403);
		assertThat(byKeyWithoutTypes.text("error")).isEqualTo("This API key may not enqueue jobs of type 'echo'; "
				+ "it may enqueue no job types (sample.api.keys.quota.job-types)");
		assertThat(this.jdbc.queryForObject("select count(*) from jetway_jobs", Integer.class)).isEqualTo(before);
		assertThat(this.jdbc.queryForObject("select count(*) from atlas_jobs where type in ('build_report') "
				+ "or project_id in ('globex', 'quota') and type = 'send_email'", Integer.class))
			.isZero();
	}

	@Test
	void webhookRefusalsDoNotTellWhatOurResolverSees() {
		Response internal = this.api.post("/jobs/v1/enqueue", ACME_DEV, "{\"type\":\"echo\",\"payload\":{},"
				+ "\"webhook_url\":\"https://" + SampleTestInfrastructure.INTRANET_HOST + "/hook\"}");
		assertThat(internal.body())
			.isEqualTo(Api.json("{\"error\":\"" + WebhookUrls.REFUSED_BY_DNS + "\",\"field\":\"webhook_url\"}"));
		assertThat(internal.status()).isEqualTo(400);
		assertThat(internal.body().toString()).doesNotContain(SampleTestInfrastructure.INTRANET_ADDRESS);
		// what the validator says (and the log shows) names the address
		assertThat(webhookRefusal("https://" + SampleTestInfrastructure.INTRANET_HOST + "/hook"))
			.contains(SampleTestInfrastructure.INTRANET_ADDRESS);
		Response unresolvable = this.api.post("/jobs/v1/enqueue", ACME_DEV,
				"{\"type\":\"echo\",\"payload\":{},\"webhook_url\":\"https://nowhere.example.com/hook\"}");
		assertThat(unresolvable.status()).isEqualTo(400);
		assertThat(unresolvable.body())
			.isEqualTo(Api.json("{\"error\":\"" + WebhookUrls.REFUSED_BY_DNS + "\",\"field\":\"webhook_url\"}"));
	}

	@Test
	void enqueueLimitHoldsAcrossInstancesSharingTheDatabase() {
		EnqueueRateLimiter other = new EnqueueRateLimiter(this.jdbc, this.transactionManager);
		Tenant shared = new Tenant("shared", "test", Tier.FREE, Set.of("echo"), "shared");
		for (int i = 0; i < 10; i++) {
			this.rateLimiter.acquire(shared);
			other.acquire(shared);
		}
		assertThatExceptionOfType(RateLimitedException.class).isThrownBy(() -> this.rateLimiter.acquire(shared))
			.withMessageStartingWith("Project 'shared' (free tier) may enqueue 20 jobs per minute");
		assertThatExceptionOfType(RateLimitedException.class).isThrownBy(() -> other.acquire(shared));
		assertThat(this.jdbc.queryForObject("select enqueues from atlas_enqueue_limits where project_id = 'shared'",
				Integer.class))
			.isEqualTo(20);
		this.jdbc.update("delete from atlas_enqueue_limits where project_id = 'shared'");
	}

	@Test
	void streamsAndConsumersOfATenantAreLimited() throws Exception {
		Response defaulted = this.api.post("/events/v1/streams", QUOTA, "{\"name\":\"q0\",\"subjects\":[\"a.>\"]}");
		assertThat(defaulted.status()).isEqualTo(201);
		assertThat(defaulted.body().path("max_bytes").asLong()).isEqualTo(1024 * 1024);
		assertThat(this.management.getStreamInfo("ATLAS_quota_test_q0").getConfiguration().getMaxBytes())
			.isEqualTo(1024 * 1024);
		assertBadRequestExactly(
				this.api.post("/events/v1/streams", QUOTA,
						"{\"name\":\"huge\",\"subjects\":[\"a.>\"],\"max_bytes\":" + Long.MAX_VALUE + "}"),
				"max_bytes", "'max_bytes' must be between 1 and 8388608 (sample.api.quotas.max-stream-max-bytes), was "
						+ Long.MAX_VALUE);
		for (int i = 1; i < 6; i++) {
			assertThat(this.api
				.post("/events/v1/streams", QUOTA,
						"{\"name\":\"q" + i + "\",\"subjects\":[\"a.>\"],\"max_bytes\":4096}")
				.status()).isEqualTo(201);
		}
		Response seventh = this.api.post("/events/v1/streams", QUOTA, "{\"name\":\"q6\",\"subjects\":[\"a.>\"]}");
		assertThat(seventh.status()).isEqualTo(403);
		assertThat(seventh.body()).isEqualTo(Api.json("{\"error\":\"Quota exceeded: project 'quota' (test) has 6 "
				+ "streams, the most it may have is 6 streams (sample.api.quotas.max-streams)\",\"field\":\"name\"}"));
		// an existing stream can still be changed
		assertThat(this.api.post("/events/v1/streams", QUOTA, "{\"name\":\"q1\",\"subjects\":[\"a.>\"]}").status())
			.isEqualTo(200);
		for (int i = 0; i < 4; i++) {
			assertThat(
					this.api.post("/events/v1/streams/q" + (i % 2) + "/consumers", QUOTA, "{\"name\":\"c" + i + "\"}")
						.status())
				.isEqualTo(201);
		}
		Response fifth = this.api.post("/events/v1/streams/q3/consumers", QUOTA, "{\"name\":\"c4\"}");
		assertThat(fifth.status()).isEqualTo(403);
		assertThat(fifth.text("error")).isEqualTo("Quota exceeded: project 'quota' (test) has 4 consumers, the most "
				+ "it may have is 4 consumers (sample.api.quotas.max-consumers)");
		assertThat(this.api.post("/events/v1/streams/q0/consumers", QUOTA, "{\"name\":\"c0\"}").status())
			.isEqualTo(200);
		// other tenants are not affected
		assertThat(
				this.api.post("/events/v1/streams", GLOBEX_PROD, "{\"name\":\"own\",\"subjects\":[\"a.>\"]}").status())
			.isEqualTo(201);
		for (String stream : this.management.getStreamNames()) {
			if (stream.startsWith("ATLAS_quota_test_") || stream.equals("ATLAS_globex_prod_own")) {
				this.management.deleteStream(stream);
			}
		}
	}

	@Test
	void pathsWithAnEncodedSlashStillNeedAKey() {
		Response publish = this.api.post("/events%2Fv1/publish", null, "{\"subject\":\"a\",\"payload\":{}}");
		assertThat(publish.status()).as(publish.toString()).isEqualTo(401);
		assertThat(publish.text("error")).startsWith("Missing API key");
		Response deadLetters = this.api.get("/orders%2Fdead-letters", null);
		assertThat(deadLetters.status()).as(deadLetters.toString()).isEqualTo(401);
		assertThat(this.api.get("/orders%2Fdead-letters", "sk_wrong_key").status()).isEqualTo(401);
		// with a key, an encoded slash still reaches the API's JSON 400
		assertBadRequestExactly(this.api.get("/jobs/v1/status/a%2Fb", ACME_DEV), "job_id",
				"'a/b' is not a job id (a UUID)");
	}

	@Test
	void chunkedBodiesAreLimitedToo() throws Exception {
		HttpClient client = HttpClient.newHttpClient();
		byte[] big = ("{\"subject\":\"chunked.big\",\"payload\":\"" + "x".repeat(MAX_REQUEST_BYTES + 1024 * 1024)
				+ "\"}")
			.getBytes(StandardCharsets.UTF_8);
		HttpResponse<String> tooLarge = client.send(chunked(big), HttpResponse.BodyHandlers.ofString());
		assertThat(tooLarge.statusCode()).isEqualTo(413);
		assertThat(Api.json(tooLarge.body())).isEqualTo(Api.json("{\"error\":\"The request body is more than "
				+ MAX_REQUEST_BYTES + " bytes; the limit is " + MAX_REQUEST_BYTES
				+ " bytes (sample.api.max-request-size): send a smaller payload\",\"field\":\"body\"}"));
		Subscription subscriber = this.connection.subscribe("atlasdb.acme.dev.chunked.>");
		this.connection.flush(Duration.ofSeconds(5));
		byte[] small = ("{\"subject\":\"chunked.small\",\"payload\":\"" + "y".repeat(MAX_REQUEST_BYTES - 1024) + "\"}")
			.getBytes(StandardCharsets.UTF_8);
		HttpResponse<String> accepted = client.send(chunked(small), HttpResponse.BodyHandlers.ofString());
		assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
		Message message = subscriber.nextMessage(Duration.ofSeconds(5));
		assertThat(message.getSubject()).isEqualTo("atlasdb.acme.dev.chunked.small");
		assertThat(message.getData()).hasSize(MAX_REQUEST_BYTES - 1024 + 2);
		assertThat(subscriber.nextMessage(Duration.ofMillis(200))).isNull();
		subscriber.unsubscribe();
	}

	/**
	 * @return a publish request whose body is sent chunked (no Content-Length)
	 */
	private HttpRequest chunked(byte[] body) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/events/v1/publish"))
			.header("Authorization", "Bearer " + ACME_DEV)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
			.build();
	}

	@Test
	void refusedEnqueuesDoNotUseTheAllowance() {
		for (int i = 0; i < 3; i++) {
			Response unknownType = this.api.post("/jobs/v1/enqueue", REFUSED,
					"{\"type\":\"retired_type\",\"payload\":{}}");
			assertThat(unknownType.status()).as(unknownType.toString()).isEqualTo(400);
			assertThat(unknownType.text("field")).isEqualTo("type");
		}
		assertThat(this.jdbc.queryForObject(
				"select count(*) from atlas_enqueue_limits where project_id = 'refused' and enqueues > 0",
				Integer.class))
			.isZero();
		assertThat(this.api.post("/jobs/v1/enqueue", REFUSED, "{\"type\":\"echo\",\"payload\":{}}").status())
			.isEqualTo(201);
		assertThat(this.jdbc.queryForObject("select enqueues from atlas_enqueue_limits where project_id = 'refused'",
				Integer.class))
			.isEqualTo(1);
		this.jdbc.update("delete from atlas_enqueue_limits where project_id = 'refused'");
	}

	@Test
	void anExistingStreamKeepsItsMaxBytesWhenARequestGivesNone() throws Exception {
		long fourMegabytes = 4 * 1024 * 1024;
		assertThat(this.api
			.post("/events/v1/streams", ACME_STAGING,
					"{\"name\":\"keeps\",\"subjects\":[\"a.>\"],\"max_bytes\":" + fourMegabytes + "}")
			.status()).isEqualTo(201);
		Response again = this.api.post("/events/v1/streams", ACME_STAGING,
				"{\"name\":\"keeps\",\"subjects\":[\"a.>\",\"b.>\"]}");
		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(again.body().path("max_bytes").asLong()).isEqualTo(fourMegabytes);
		StreamInfo info = this.management.getStreamInfo("ATLAS_acme_staging_keeps");
		assertThat(info.getConfiguration().getMaxBytes()).isEqualTo(fourMegabytes);
		assertThat(info.getConfiguration().getSubjects()).hasSize(2);
		this.management.deleteStream("ATLAS_acme_staging_keeps");
	}

	@Test
	void webhookRefusalsByDnsAreAllAlike() {
		Response internal = this.api.post("/jobs/v1/enqueue", ACME_DEV, "{\"type\":\"echo\",\"payload\":{},"
				+ "\"webhook_url\":\"https://" + SampleTestInfrastructure.INTRANET_HOST + "/hook\"}");
		Response unresolvable = this.api.post("/jobs/v1/enqueue", ACME_DEV,
				"{\"type\":\"echo\",\"payload\":{},\"webhook_url\":\"https://nowhere.example.com/hook\"}");
		assertThat(internal.status()).isEqualTo(400);
		assertThat(internal.body()).isEqualTo(unresolvable.body());
	}

	private String webhookRefusal(String url) {
		try {
			this.webhookUrls.validate(url);
			return null;
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage().replace("\"", "\\\"");
		}
	}

	private static List<String> payloads(Response pulled) {
		assertThat(pulled.status()).isEqualTo(200);
		List<String> payloads = new ArrayList<>();
		pulled.body().path("messages").forEach((message) -> payloads.add(message.path("payload").asString()));
		return payloads;
	}

	private static void assertBadRequest(Response response, String field, String error) {
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.body().path("field").asString()).as(response.toString()).isEqualTo(field);
		assertThat(response.body().path("error").asString()).as(response.toString()).contains(error);
	}

	private static void assertBadRequestExactly(Response response, String field, String error) {
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.headers().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
		assertThat(response.body())
			.isEqualTo(Api.json("{\"error\":" + Api.quoted(error) + ",\"field\":\"" + field + "\"}"));
	}

	private static void assertNotFound(Response response, String error) {
		assertThat(response.status()).as(response.toString()).isEqualTo(404);
		assertThat(response.body()).isEqualTo(Api.json("{\"error\":\"" + error + "\",\"field\":null}"));
	}

}
