package io.jetway.test.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The files of a process a test runs (a server's log, its data folder): read the log for
 * a failure message, delete the folder when done.
 */
public final class ProcessFiles {

	private ProcessFiles() {
	}

	/**
	 * What the process logged so far, for failure messages: empty before the file exists,
	 * a note instead when it cannot be read.
	 */
	public static String log(Path logFile) {
		try {
			return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			return "(log unreadable: " + ex.getMessage() + ")";
		}
	}

	/** Deletes the folder and everything in it, if it exists. */
	public static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
