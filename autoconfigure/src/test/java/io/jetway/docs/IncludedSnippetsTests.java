package io.jetway.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jetway.docs.MarkdownBlocks.Block;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Code on a page that is marked {@code <!-- include: path#tag -->} (the line right above
 * its fence) must equal the region between {@code tag::tag[]} and {@code end::tag[]} of
 * that file (the whole file without {@code #tag}), leading tabs shown as two spaces each.
 * Those sources are compiled and run by tests (the newcomer's application of
 * docs/getting-started.md is {@code io.jetway.gettingstarted}, run by
 * {@code GettingStartedTests}), so editing the page or the source without the other fails
 * the build. Every Java block of docs/getting-started.md must be such an include, and
 * every {@code <!-- include:} line of a page must be a marker right above a checked fence
 * (one anywhere else would check nothing).
 */
class IncludedSnippetsTests {

	static final Pattern INCLUDE = Pattern.compile("<!-- include: ([^#\\s]+)(?:#([\\w-]+))? -->");

	private static final List<String> LANGUAGES = List.of("java", "yaml", "sql");

	private static final List<String> FENCES = LANGUAGES.stream().map((language) -> "```" + language).toList();

	@Test
	void everyIncludedBlockEqualsItsTaggedSourceRegion() {
		List<String> problems = new ArrayList<>();
		int included = 0;
		for (Path page : MarkdownBlocks.pages()) {
			for (String language : LANGUAGES) {
				for (Block block : MarkdownBlocks.of(page, language)) {
					Matcher include = (block.above() != null) ? INCLUDE.matcher(block.above()) : null;
					if (include == null || !include.matches()) {
						continue;
					}
					included++;
					String expected = region(include.group(1), include.group(2));
					if (!block.code().equals(expected)) {
						problems.add(block.where() + " differs from " + block.above() + ": "
								+ firstDifference(block.code(), expected));
					}
				}
			}
		}
		assertThat(problems)
			.as("included blocks that drifted from their sources (.ci/include-snippets copies the regions into the pages)")
			.isEmpty();
		assertThat(included).as("included blocks").isGreaterThanOrEqualTo(8);
	}

	@Test
	void everyIncludeMarkerIsRightAboveACheckedFence() throws IOException {
		List<String> problems = new ArrayList<>();
		for (Path page : MarkdownBlocks.pages()) {
			problems.addAll(misplacedIncludes(MarkdownBlocks.repositoryRoot().relativize(page).toString(),
					Files.readAllLines(page)));
		}
		assertThat(problems).as("include markers that check nothing").isEmpty();
	}

	@Test
	void aMarkerThatIsMalformedOrNotRightAboveACheckedFenceIsAProblem() {
		List<String> page = List.of("<!-- include: a/B.java#tag -->", "```java", "x", "```", "",
				"<!-- include: a/B.java#tag -->", "", "```java", "x", "```", "<!-- include: a/c.xml -->", "```xml", "x",
				"```", "  <!-- include: a/B.java#bad tag -->", "  ```java", "  x", "  ```",
				"<!-- include: a/B.java -->", "text", "<!-- include: a/B.java -->");
		assertThat(misplacedIncludes("page.md", page)).containsExactly(
				"page.md:6: '<!-- include: a/B.java#tag -->' is not right above a ```java, ```yaml or ```sql fence",
				"page.md:11: '<!-- include: a/c.xml -->' is not right above a ```java, ```yaml or ```sql fence",
				"page.md:15: '<!-- include: a/B.java#bad tag -->' is not <!-- include: path#tag --> "
						+ "(a path from the repository's root, an optional #tag of letters, digits, _ and -)",
				"page.md:19: '<!-- include: a/B.java -->' is not right above a ```java, ```yaml or ```sql fence",
				"page.md:21: '<!-- include: a/B.java -->' is not right above a ```java, ```yaml or ```sql fence");
	}

	/**
	 * A line that starts with {@code <!-- include:} must be a well-formed marker right
	 * above the fence of a language this test checks, or it would check nothing.
	 * @param where the page, for the problems
	 * @param lines its lines
	 * @return one problem per marker that checks nothing
	 */
	static List<String> misplacedIncludes(String where, List<String> lines) {
		List<String> problems = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			String marker = lines.get(i).strip();
			if (!marker.startsWith("<!-- include:")) {
				continue;
			}
			if (!INCLUDE.matcher(marker).matches()) {
				problems.add(where + ":" + (i + 1) + ": '" + marker + "' is not <!-- include: path#tag --> "
						+ "(a path from the repository's root, an optional #tag of letters, digits, _ and -)");
			}
			else if (i + 1 == lines.size() || !FENCES.contains(lines.get(i + 1).strip())) {
				problems.add(where + ":" + (i + 1) + ": '" + marker
						+ "' is not right above a ```java, ```yaml or ```sql fence");
			}
		}
		return problems;
	}

	@Test
	void everyJavaBlockOfTheGettingStartedPageIsIncludedFromCompiledSources() {
		Path page = MarkdownBlocks.repositoryRoot().resolve("docs/getting-started.md");
		List<Block> blocks = MarkdownBlocks.of(page, "java");
		assertThat(blocks).as("Java blocks of docs/getting-started.md").hasSizeGreaterThanOrEqualTo(4);
		assertThat(blocks).allSatisfy(
				(block) -> assertThat(block.above())
					.as("the line above the block at %s (an <!-- include: path#tag --> naming its compiled source)",
							block.where())
					.isNotNull()
					.matches(INCLUDE));
	}

	/**
	 * @param file a path from the repository's root
	 * @param tag a region's name, or {@code null} for the whole file
	 * @return the region's lines, leading tabs replaced by two spaces each
	 */
	static String region(String file, String tag) {
		List<String> lines;
		try {
			lines = Files.readAllLines(MarkdownBlocks.repositoryRoot().resolve(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The included file " + file + " cannot be read", ex);
		}
		int from = 0;
		int to = lines.size();
		if (tag != null) {
			from = indexOf(lines, "tag::" + tag + "[]", file) + 1;
			to = indexOf(lines, "end::" + tag + "[]", file);
		}
		StringBuilder region = new StringBuilder();
		for (String line : lines.subList(from, to)) {
			int tabs = 0;
			while (tabs < line.length() && line.charAt(tabs) == '\t') {
				tabs++;
			}
			region.append("  ".repeat(tabs)).append(line.substring(tabs)).append('\n');
		}
		return region.toString();
	}

	private static String firstDifference(String page, String source) {
		List<String> pageLines = page.lines().toList();
		List<String> sourceLines = source.lines().toList();
		for (int i = 0; i < Math.max(pageLines.size(), sourceLines.size()); i++) {
			String onPage = (i < pageLines.size()) ? pageLines.get(i) : "(nothing)";
			String inSource = (i < sourceLines.size()) ? sourceLines.get(i) : "(nothing)";
			if (!onPage.equals(inSource)) {
				return "line " + (i + 1) + " of the block is '" + onPage + "', the source's is '" + inSource + "'";
			}
		}
		return "line breaks differ";
	}

	private static int indexOf(List<String> lines, String marker, String file) {
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).strip().endsWith("// " + marker) || lines.get(i).strip().endsWith("# " + marker)
					|| lines.get(i).strip().endsWith("-- " + marker)) {
				return i;
			}
		}
		throw new IllegalStateException(file + " has no line ending with '// " + marker + "'");
	}

}
