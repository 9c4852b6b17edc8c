package io.jetway.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The fenced code blocks of the project's Markdown pages (README.md and docs/*.md), each
 * with the line right above its fence, if any.
 */
final class MarkdownBlocks {

	private MarkdownBlocks() {
	}

	/**
	 * @return the repository's root: the parent of the module directory the tests run in
	 */
	static Path repositoryRoot() {
		Path module = Path.of("").toAbsolutePath();
		Path root = module.getParent();
		if (root == null || !Files.isDirectory(root.resolve("docs"))
				|| !Files.isRegularFile(root.resolve("README.md"))) {
			throw new IllegalStateException("Expected the tests to run in a module directory of the Jetway repository "
					+ "(its parent holding README.md and docs/), but they run in " + module);
		}
		return root;
	}

	/**
	 * @return README.md and every page of docs/, in name order
	 */
	static List<Path> pages() {
		Path root = repositoryRoot();
		List<Path> pages = new ArrayList<>();
		pages.add(root.resolve("README.md"));
		try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
			docs.filter((path) -> path.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return pages;
	}

	/**
	 * Reads the fenced blocks of one language of a page. A fence may be indented (inside
	 * a list item): its indentation is removed from every line of the block.
	 * @param page a Markdown file
	 * @param language the fence's info string, such as {@code java} or {@code yaml}
	 * @return its blocks of that language in page order
	 */
	static List<Block> of(Path page, String language) {
		List<String> lines;
		try {
			lines = Files.readAllLines(page);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<Block> blocks = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (!line.strip().equals("```" + language)) {
				continue;
			}
			int indent = line.indexOf('`');
			String above = (i > 0 && !lines.get(i - 1).isBlank()) ? lines.get(i - 1).strip() : null;
			StringBuilder code = new StringBuilder();
			int end = i + 1;
			while (end < lines.size() && !lines.get(end).strip().equals("```")) {
				String codeLine = lines.get(end);
				code.append(codeLine.length() >= indent && codeLine.substring(0, indent).isBlank()
						? codeLine.substring(indent) : codeLine.stripLeading())
					.append('\n');
				end++;
			}
			if (end == lines.size()) {
				throw new IllegalStateException(
						page + ":" + (i + 1) + ": a ```" + language + " block that is never closed");
			}
			blocks.add(new Block(page, i + 1, code.toString(), above));
			i = end;
		}
		return blocks;
	}

	/**
	 * A fenced block of a page.
	 *
	 * @param page the Markdown file
	 * @param line the line of its opening fence (1-based)
	 * @param code its lines, each ending with a line break
	 * @param above the non-blank line right above the fence, stripped, if any
	 */
	record Block(Path page, int line, String code, @Nullable String above) {

		String where() {
			return repositoryRoot().relativize(this.page) + ":" + this.line;
		}

	}

}
