package io.jetway.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.jetway.docs.MarkdownBlocks.Block;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ```java} block of README.md and docs/*.md that uses a public Jetway type
 * imports it, so that a newcomer never has to search the jars for a package. Jetway's
 * public types are read from the main sources of the modules an application uses
 * (autoconfigure, spring-boot-test, test-support).
 */
class DocsSnippetImportsTests {

	private static final List<String> SOURCE_ROOTS = List.of("autoconfigure/src/main/java",
			"spring-boot-test/src/main/java", "test-support/src/main/java");

	private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);

	private static final Pattern PUBLIC_TYPE = Pattern.compile(
			"^public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)",
			Pattern.MULTILINE);

	private static final Pattern IMPORT_LINE = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.*]+)\\s*;",
			Pattern.MULTILINE);

	@Test
	void everyJavaSnippetImportsTheJetwayTypesItUses() {
		Map<String, Set<String>> types = publicJetwayTypes();
		assertThat(types).as("public types found under %s", SOURCE_ROOTS)
			.containsKeys("JetwayPublisher", "JetStreamListener", "JobContext", "PrivateNatsServer");
		List<String> missing = new ArrayList<>();
		int blocks = 0;
		for (Path page : MarkdownBlocks.pages()) {
			for (Block block : MarkdownBlocks.of(page, "java")) {
				blocks++;
				missing.addAll(missingImports(block, types));
			}
		}
		assertThat(blocks).as("```java blocks in README.md and docs/").isGreaterThan(10);
		assertThat(missing).as("Jetway types used in a snippet without its import: add the import line to the block")
			.isEmpty();
	}

	@Test
	void everyJetwayTypeASnippetImportsExists() {
		Map<String, Set<String>> types = publicJetwayTypes();
		List<String> unknown = new ArrayList<>();
		for (Path page : MarkdownBlocks.pages()) {
			for (Block block : MarkdownBlocks.of(page, "java")) {
				unknown.addAll(unknownImports(block, types));
			}
		}
		assertThat(unknown).as("imports of Jetway types or packages that do not exist (renamed or moved?)").isEmpty();
	}

	@Test
	void anImportOfAJetwayTypeOrPackageThatDoesNotExistIsAProblem() {
		Map<String, Set<String>> types = Map.of("JetwayPublisher", Set.of("io.jetway.publish.JetwayPublisher"),
				"JobOptions", Set.of("io.jetway.jobs.JobOptions"));
		Block block = new Block(MarkdownBlocks.repositoryRoot().resolve("page.md"), 3,
				String.join("\n", "import java.util.UUID;", "import io.jetway.publish.JetwayPublisher;",
						"import io.jetway.jobs.*;", "import io.jetway.jobs.JobOptions.Builder;",
						"import static io.jetway.jobs.JobOptions.MAX_META_LENGTH;",
						"import io.jetway.publish.Publisher;", "import io.jetway.gone.*;",
						"import static io.jetway.jobs.Gone.X;", ""),
				null);
		assertThat(unknownImports(block, types)).containsExactly(
				"page.md:3: imports io.jetway.publish.Publisher, which is not a public Jetway type",
				"page.md:3: imports io.jetway.gone.*, which is not a public Jetway type",
				"page.md:3: imports io.jetway.jobs.Gone.X, which is not a public Jetway type");
	}

	/**
	 * @return one line per import of an {@code io.jetway} type, member or package
	 * ({@code .*}) that is not among Jetway's public types
	 */
	static List<String> unknownImports(Block block, Map<String, Set<String>> types) {
		Set<String> qualifiedNames = new TreeSet<>();
		types.values().forEach(qualifiedNames::addAll);
		List<String> unknown = new ArrayList<>();
		Matcher importLine = IMPORT_LINE.matcher(block.code());
		while (importLine.find()) {
			String imported = importLine.group(1);
			if (imported.startsWith("io.jetway.") && qualifiedNames.stream()
				.noneMatch((type) -> imported.equals(type) || imported.startsWith(type + ".")
						|| imported.equals(type.substring(0, type.lastIndexOf('.')) + ".*"))) {
				unknown.add(block.where() + ": imports " + imported + ", which is not a public Jetway type");
			}
		}
		return unknown;
	}

	/**
	 * @return for each block that uses a Jetway type it does not import, one line naming
	 * the page, the line and the import to add
	 */
	static List<String> missingImports(Block block, Map<String, Set<String>> types) {
		Set<String> imports = new TreeSet<>();
		Matcher importLine = IMPORT_LINE.matcher(block.code());
		while (importLine.find()) {
			imports.add(importLine.group(1));
		}
		String code = IMPORT_LINE.matcher(block.code()).replaceAll("");
		List<String> missing = new ArrayList<>();
		types.forEach((name, qualifiedNames) -> {
			if (!uses(code, name)) {
				return;
			}
			boolean imported = qualifiedNames.stream()
				.anyMatch((qualified) -> imports.contains(qualified)
						|| imports.contains(qualified.substring(0, qualified.lastIndexOf('.')) + ".*"));
			if (!imported) {
				missing.add(block.where() + ": uses " + name + " without `import "
						+ String.join("` or `import ", qualifiedNames) + ";`");
			}
		});
		return missing;
	}

	private static boolean uses(String code, String name) {
		// a simple name, not a qualified one (io.jetway.x.Name) nor part of a longer name
		return Pattern.compile("(?<![\\w.])" + Pattern.quote(name) + "\\b").matcher(code).find();
	}

	/**
	 * @return simple name to qualified names of every top-level public type of Jetway's
	 * main sources
	 */
	static Map<String, Set<String>> publicJetwayTypes() {
		Path root = MarkdownBlocks.repositoryRoot();
		Map<String, Set<String>> types = new TreeMap<>();
		for (String sourceRoot : SOURCE_ROOTS) {
			try (Stream<Path> files = Files.walk(root.resolve(sourceRoot))) {
				files.filter((path) -> path.toString().endsWith(".java")).forEach((file) -> {
					String source = read(file);
					Matcher packageName = PACKAGE.matcher(source);
					Matcher type = PUBLIC_TYPE.matcher(source);
					if (packageName.find() && type.find()) {
						types.computeIfAbsent(type.group(1), (name) -> new TreeSet<>())
							.add(packageName.group(1) + "." + type.group(1));
					}
				});
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return types;
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
