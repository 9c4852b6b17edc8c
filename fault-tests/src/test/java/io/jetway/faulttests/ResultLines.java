package io.jetway.faulttests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Prints each scenario's result line and appends it to the file named by the system
 * property {@code jetway.fault.results} ({@code fault-tests/target/fault-results.csv} in
 * a Maven build, rewritten by each run), which docs/reliability.md's table is made from.
 */
final class ResultLines {

	static final String HEADER = "scenario, server, N, effects, lost, duplicated, job effects duplicated, recovery seconds";

	private static boolean started;

	private ResultLines() {
	}

	static synchronized void record(String line) {
		System.out.println(line);
		String file = System.getProperty("jetway.fault.results");
		if (file == null || file.isBlank()) {
			return;
		}
		Path path = Path.of(file);
		try {
			if (path.getParent() != null) {
				Files.createDirectories(path.getParent());
			}
			if (!started) {
				// one file per test run
				Files.writeString(path, HEADER + "\n", StandardCharsets.UTF_8);
				started = true;
			}
			Files.writeString(path, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not append the result line to " + path, ex);
		}
	}

}
