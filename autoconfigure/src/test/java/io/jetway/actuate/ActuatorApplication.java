package io.jetway.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.nats.NatsServerProcess;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * A whole Jetway application with Actuator on a random HTTP port (every
 * auto-configuration on the test class path), and an HTTP client for it.
 */
final class ActuatorApplication implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port;

	private ActuatorApplication(ConfigurableApplicationContext context) {
		this.context = context;
		Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
		if (port == null) {
			throw new IllegalStateException("The application runs no web server");
		}
		this.port = port;
	}

	static ActuatorApplication start(TestDatabaseInstance database, NatsServerProcess nats, String... properties) {
		List<String> all = new ArrayList<>(List.of(ActuateTestSupport.properties(database, nats)));
		all.add("server.port=0");
		all.add("spring.jpa.hibernate.ddl-auto=none");
		all.addAll(List.of(properties));
		return new ActuatorApplication(new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run());
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	Response get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	Response post(String path, String body) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	Response delete(String path) {
		return send(HttpRequest.newBuilder(uri(path)).DELETE());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private Response send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = this.http.send(request.timeout(Duration.ofSeconds(20)).build(),
					HttpResponse.BodyHandlers.ofString());
			String body = response.body();
			JsonNode node = (body.startsWith("{") || body.startsWith("[")) ? json.readTree(body) : null;
			return new Response(response.statusCode(), node, body);
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
	 */
	record Response(int status, JsonNode json, String body) {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ ActuateTestSupport.OrdersListener.class, ActuateTestSupport.ReportJobs.class })
	static class App {

	}

}
