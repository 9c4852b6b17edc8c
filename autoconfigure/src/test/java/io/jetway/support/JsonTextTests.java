package io.jetway.support;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JsonText} writes JSON that a real parser reads back to the same values.
 */
class JsonTextTests {

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	@Test
	void plainAndEscapedStringsAndNumbersReadBackUnchanged() {
		String awkward = "say \"hi\"\\ then\nnew line\ttab \u0001 end, ünïcödé";
		String json = new JsonText().field("plain", "job-42")
			.field("awkward", awkward)
			.field("count", 3)
			.field("fraction", 0.25)
			.text();
		JsonNode node = this.jsonMapper.readTree(json);
		assertThat(node.path("plain").asString()).isEqualTo("job-42");
		assertThat(node.path("awkward").asString()).isEqualTo(awkward);
		assertThat(node.path("count").asLong()).isEqualTo(3);
		assertThat(node.path("fraction").asDouble()).isEqualTo(0.25);
		assertThat(json).startsWith("{\"plain\":\"job-42\",");
	}

	@Test
	void aStoredObjectIsEmbeddedAndTextThatIsNoObjectIsAString() {
		String nested = "{\"project\":\"p-1\",\"tags\":[\"a\",\"}\"],\"n\":{\"x\":1}}";
		JsonNode embedded = this.jsonMapper
			.readTree(new JsonText().field("status", "failed").objectField("meta", nested).text());
		assertThat(embedded.path("meta").path("project").asString()).isEqualTo("p-1");
		assertThat(embedded.path("meta").path("tags").get(1).asString()).isEqualTo("}");
		// a row written by hand that would close the event's object and add a field
		String injected = "{\"a\":1},\"status\":\"completed\"";
		String json = new JsonText().field("status", "failed").objectField("meta", injected).text();
		JsonNode node = this.jsonMapper.readTree(json);
		assertThat(node.path("status").asString()).isEqualTo("failed");
		assertThat(node.path("meta").asString()).isEqualTo(injected);
		for (String notAnObject : new String[] { "[1]", "\"text\"", "{\"a\":1", "{\"a\":\"}", "{}}", "" }) {
			JsonNode asString = this.jsonMapper.readTree(new JsonText().objectField("meta", notAnObject).text());
			assertThat(asString.path("meta").isString()).as(notAnObject).isTrue();
		}
	}

}
