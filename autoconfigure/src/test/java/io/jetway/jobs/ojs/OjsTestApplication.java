package io.jetway.jobs.ojs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jetway.test.jdbc.TestDatabaseInstance;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.awaitility.Awaitility.await;

/**
 * The conformance test application: a whole Jetway application serving the OJS binding on
 * a random port (every auto-configuration on the test class path), every queue external
 * unless declared, and an HTTP client for it that speaks
 * {@code application/openjobspec+json}.
 * <p>
 * The conformance documents' standard handlers ({@code test.echo},
 * {@code test.fail_once}, {@code test.fail_always}, ...) are external-queue job types:
 * every queue not declared is external, so any type is accepted, and the worker is the
 * test (or the suite's runner), whose FETCH / ACK / FAIL steps play each handler's part.
 * The suite's JSON cases were run against this application with
 * {@code jetway.jobs.ojs.conformance-reset-enabled=true} (see docs/external-workers.md,
 * Not done yet, for the results).
 */
final class OjsTestApplication implements AutoCloseable {

	static final JsonMapper json = JsonMapper.builder().build();

	private final ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port;

	private final Map<String, String> headers = new LinkedHashMap<>();

	private OjsTestApplication(ConfigurableApplicationContext context) {
		this.context = context;
		this.port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	/**
	 * @param properties more properties, which win over these
	 */
	static OjsTestApplication start(TestDatabaseInstance database, String natsUrl, String... properties) {
		return start(App.class, database, natsUrl, properties);
	}

	/**
	 * @param configuration the application's configuration, which enables
	 * auto-configuration
	 * @param properties more properties, which win over these
	 */
	static OjsTestApplication start(Class<?> configuration, TestDatabaseInstance database, String natsUrl,
			String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.datasource.url=" + database.url(),
				"spring.datasource.username=" + database.username(),
				"spring.datasource.password=" + database.password(), "jetway.nats.servers=" + natsUrl,
				"jetway.jdbc.initialize-schema=always", "spring.jpa.hibernate.ddl-auto=none", "server.port=0",
				"jetway.outbox.relay.poll-interval=100ms", "jetway.jobs.poll-interval=100ms",
				"jetway.jobs.defaults.external=true", "jetway.jobs.defaults.backoff.initial=1s",
				"jetway.jobs.defaults.backoff.multiplier=1", "jetway.jobs.defaults.backoff.jitter=0",
				"jetway.jobs.ojs.enabled=true", "jetway.jobs.ojs.lease-sweep-interval=100ms",
				"jetway.jobs.ojs.require-worker-token=false", "jetway.jobs.ojs.allow-unauthenticated-producers=true",
				"jetway.listener.shutdown-timeout=5s", "jetway.health.jobs.max-dispatch-recovery-held-back=1h"));
		all.addAll(List.of(properties));
		return new OjsTestApplication(new SpringApplicationBuilder(configuration).web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run());
	}

	/**
	 * Empties Jetway's job tables and deletes the streams, so each test class starts
	 * clean.
	 */
	static void reset(TestDatabaseInstance database, String natsUrl) throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		for (String table : new String[] { "jetway_job_leases", "jetway_worker_tokens", "jetway_jobs", "jetway_outbox",
				"jetway_job_queues", "jetway_job_schedules", "jetway_job_dispatch", "jetway_ojs_crons",
				"jetway_ojs_workers" }) {
			try {
				jdbc.update("DELETE FROM " + table);
			}
			catch (RuntimeException ex) {
				// created by the first application
			}
		}
		try (Connection connection = Nats.connect(natsUrl)) {
			JetStreamManagement management = connection.jetStreamManagement();
			for (String stream : management.getStreamNames()) {
				management.deleteStream(stream);
			}
		}
	}

	/** The binding's base URL, such as {@code http://127.0.0.1:8080/ojs/v1}. */
	String url() {
		return "http://127.0.0.1:" + this.port + "/ojs/v1";
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	/** Sends this header with every later call. */
	OjsTestApplication header(String name, @Nullable String value) {
		if (value == null) {
			this.headers.remove(name);
		}
		else {
			this.headers.put(name, value);
		}
		return this;
	}

	Response get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	Response post(String path, Object body) {
		String text = (body instanceof String string) ? string : json.writeValueAsString(body);
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/openjobspec+json")
			.POST(HttpRequest.BodyPublishers.ofString(text)));
	}

	Response post(String path, String contentType, String body) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	Response put(String path, Object body) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/openjobspec+json")
			.PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
	}

	Response delete(String path) {
		return send(HttpRequest.newBuilder(uri(path)).DELETE());
	}

	/** PUSH; asserts nothing. */
	Response push(String type, String queue, Object... args) {
		return post("/ojs/v1/jobs", Map.of("type", type, "args", List.of(args), "options", Map.of("queue", queue)));
	}

	Response fetch(String queue, int visibilityMillis) {
		return post("/ojs/v1/workers/fetch",
				Map.of("queues", List.of(queue), "count", 1, "visibility_timeout_ms", visibilityMillis));
	}

	/** FETCHes (count 1) until a job comes, for at most 10 seconds. */
	Response awaitFetch(String queue) {
		Response[] fetched = new Response[1];
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			fetched[0] = fetch(queue, 30_000);
			return fetched[0].json().at("/jobs").size() == 1;
		});
		return fetched[0];
	}

	Response info(String id) {
		return get("/ojs/v1/jobs/" + id);
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private Response send(HttpRequest.Builder request) {
		this.headers.forEach(request::header);
		try {
			HttpResponse<String> response = this.http.send(request.timeout(Duration.ofSeconds(20)).build(),
					HttpResponse.BodyHandlers.ofString());
			String body = response.body();
			JsonNode node = (body.startsWith("{") || body.startsWith("[")) ? json.readTree(body) : null;
			return new Response(response.statusCode(), node, body,
					response.headers().firstValue("Content-Type").orElse(""));
		}
		catch (Exception ex) {
			throw new IllegalStateException("HTTP call failed: " + ex, ex);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * An answer.
	 *
	 * @param status the HTTP status
	 * @param json the body as JSON, or {@code null}
	 * @param body the body
	 * @param contentType its content type
	 */
	record Response(int status, JsonNode json, String body, String contentType) {

		String text(String pointer) {
			return this.json.at(pointer).asString();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
