package io.jetway.jobs.ojs;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.jetway.test.nats.NatsServerExtension;
import io.jetway.topology.Namespace;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The events buffer of {@code GET /ojs/v1/events} (NATS): bounded, newest first, in the
 * namespace, and silent once closed.
 */
class OjsEventsTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void theBufferKeepsTheNewestEventsOfItsNamespaceUpToItsSize() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			OjsEvents events = new OjsEvents(connection, new Namespace("tenant-a", null), json, 3, Clock.systemUTC());
			events.start();
			try {
				connection.flush(Duration.ofSeconds(1));
				// another namespace's event is not this application's
				publish(connection, "jetway.jobs.events.pending", 0);
				for (int attempt = 1; attempt <= 5; attempt++) {
					publish(connection, "tenant-a.jetway.jobs.events.running", attempt);
				}
				await().atMost(Duration.ofSeconds(5))
					.until(() -> events.list(List.of(), List.of(), 3)
						.stream()
						.anyMatch((event) -> attempt(event) == 5));
				assertThat(events.list(List.of(), List.of(), 3)).extracting(OjsEventsTests::attempt)
					.containsExactly(5, 4, 3);
				assertThat(events.list(List.of("job.started"), List.of("q"), 2)).extracting(OjsEventsTests::attempt)
					.containsExactly(5, 4);
				assertThat(events.list(List.of("job.enqueued"), List.of(), 3)).isEmpty();
			}
			finally {
				events.close();
			}
			publish(connection, "tenant-a.jetway.jobs.events.running", 6);
			connection.flush(Duration.ofSeconds(1));
			assertThat(events.list(List.of(), List.of(), 3)).extracting(OjsEventsTests::attempt)
				.containsExactly(5, 4, 3);
		}
	}

	@Test
	void aBufferOfNoEventsIsRefusedNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OjsEvents(null, new Namespace(null, null), json, 0, Clock.systemUTC()))
			.withMessageContaining("jetway.jobs.ojs.events-buffer-size");
	}

	@Test
	void aBufferOfMoreThanTenThousandEventsIsRefusedNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OjsEvents(null, new Namespace(null, null), json, 10_001, Clock.systemUTC()))
			.withMessageContaining("jetway.jobs.ojs.events-buffer-size")
			.withMessageContaining("10001");
	}

	@Test
	void anEventKeepsOnlyTheErrorsTypeCodeAndMessageCutTo1024Characters() {
		OjsEvents events = new OjsEvents(null, new Namespace(null, null), json, 1, Clock.systemUTC());
		String big = "x".repeat(100_000);
		Map<String, Object> error = Map.of("type", "Boom", "code", "E1", "message", big, "backtrace", List.of(big, big),
				"details", Map.of("dump", big));
		Map<String, Object> event = events
			.toOjs(json.writeValueAsBytes(Map.of("id", "019539a4-0000-7000-8000-000000000001", "type", "t", "queue",
					"q", "status", "failed", "attempts", 1, "error", json.writeValueAsString(error))));
		String kept = json.writeValueAsString(((Map<?, ?>) event.get("data")).get("error"));
		assertThat(kept).contains("\"type\":\"Boom\"", "\"code\":\"E1\"")
			.doesNotContain("backtrace", "details")
			.hasSizeLessThan(1200);

		Map<String, Object> plain = events
			.toOjs(json.writeValueAsBytes(Map.of("id", "019539a4-0000-7000-8000-000000000001", "type", "t", "queue",
					"q", "status", "failed", "attempts", 1, "error", big)));
		assertThat((String) ((Map<?, ?>) plain.get("data")).get("error")).hasSize(1024);
	}

	private static void publish(Connection connection, String subject, int attempt) {
		connection.publish(subject,
				("{\"id\":\"019539a4-0000-7000-8000-00000000000" + attempt
						+ "\",\"type\":\"t\",\"queue\":\"q\",\"status\":\"running\",\"attempts\":" + attempt + "}")
					.getBytes(StandardCharsets.UTF_8));
	}

	private static int attempt(Map<String, Object> event) {
		return (Integer) ((Map<?, ?>) event.get("data")).get("attempt");
	}

}
