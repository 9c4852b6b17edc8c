package io.jetway.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code jetway.*} property in the generated configuration metadata is documented
 * in {@code docs/}: by its full name, or in a table row that names its parent and its
 * last segment (as in "`jetway.outbox.relay.backoff.initial` / `multiplier`").
 */
class DocumentedPropertiesTests {

	@Test
	void everyPropertyAppearsInTheDocs() throws IOException {
		List<String> lines = docLines();
		List<String> undocumented = new ArrayList<>();
		for (String property : properties()) {
			if (!documented(property, lines)) {
				undocumented.add(property);
			}
		}
		assertThat(undocumented).as("properties missing from docs/*.md").isEmpty();
	}

	private static boolean documented(String property, List<String> lines) {
		int dot = property.lastIndexOf('.');
		String parent = property.substring(0, dot);
		String leaf = property.substring(dot + 1);
		for (String line : lines) {
			if (line.contains(property)) {
				return true;
			}
			if (line.contains(parent + ".") && line.contains(leaf)) {
				return true;
			}
		}
		return false;
	}

	private static List<String> properties() throws IOException {
		try (InputStream in = DocumentedPropertiesTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated configuration metadata").isNotNull();
			JsonNode metadata = JsonMapper.builder().build().readTree(in);
			return metadata.get("properties")
				.valueStream()
				.map((property) -> property.get("name").asString())
				.filter((name) -> name.startsWith("jetway."))
				.toList();
		}
	}

	private static List<String> docLines() throws IOException {
		Path docs = Path.of("..", "docs");
		assertThat(docs).as("docs folder beside the module").isDirectory();
		List<String> lines = new ArrayList<>();
		try (Stream<Path> files = Files.list(docs)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".md")).toList()) {
				lines.addAll(Files.readAllLines(file));
			}
		}
		return lines;
	}

}
