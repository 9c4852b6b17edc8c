package io.jetway.connection;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code jetway.*} property has a description in the generated metadata, so IDEs
 * complete and explain it.
 */
class ConfigurationMetadataTests {

	@Test
	void everyJetwayPropertyHasADescription() throws Exception {
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated configuration metadata").isNotNull();
			metadata = JsonMapper.builder().build().readTree(in);
		}
		List<JsonNode> properties = metadata.get("properties").valueStream().toList();
		assertThat(properties).extracting((property) -> property.get("name").asString())
			.contains("jetway.nats.servers", "jetway.nats.connection-name", "jetway.nats.connect-timeout",
					"jetway.nats.reconnect-wait", "jetway.nats.max-reconnects", "jetway.nats.ping-interval",
					"jetway.nats.token", "jetway.nats.username", "jetway.nats.password", "jetway.nats.credentials-file",
					"jetway.nats.nkey-seed", "jetway.nats.tls.enabled", "jetway.nats.tls.bundle", "jetway.enabled");
		for (JsonNode property : properties) {
			String name = property.get("name").asString();
			assertThat(property.path("description").asString("")).as("description of " + name).isNotBlank();
		}
		Map<String, String> defaults = Map.of("jetway.nats.connect-timeout", "5s", "jetway.nats.max-reconnects", "-1");
		for (JsonNode property : properties) {
			String expected = defaults.get(property.get("name").asString());
			if (expected != null) {
				assertThat(property.get("defaultValue").asString()).isEqualTo(expected);
			}
		}
	}

}
