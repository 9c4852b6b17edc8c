package io.jetway.test.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A {@code main} class running in a child JVM with the test's class path, for tests that
 * kill an application as a crash would. Its standard output and error go to one log file
 * that a test can wait on ({@link #awaitLine(Pattern, Duration)}).
 * <p>
 * The child never outlives the test JVM: a shutdown hook kills it when the test JVM
 * exits, and the child itself halts (exit code 137) when its standard input closes, which
 * the operating system does when the test JVM dies, even by SIGKILL. The child's standard
 * input is therefore not available to the application.
 */
public final class JavaProcess implements AutoCloseable {

	private final Process process;

	private final Path logFile;

	private final @Nullable Path ownedDirectory;

	private final Thread shutdownHook;

	private JavaProcess(Process process, Path logFile, @Nullable Path ownedDirectory) {
		this.process = process;
		this.logFile = logFile;
		this.ownedDirectory = ownedDirectory;
		this.shutdownHook = new Thread(process::destroyForcibly, "jetway-java-process-cleanup-" + process.pid());
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * A child JVM running {@code mainClass} from the current class path
	 * ({@code java.class.path}).
	 */
	public static Builder builder(String mainClass) {
		return new Builder(mainClass);
	}

	/** A child JVM running {@code mainClass} from the current class path. */
	public static Builder builder(Class<?> mainClass) {
		return new Builder(mainClass.getName());
	}

	public long pid() {
		return this.process.pid();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** The exit code, once the process ended. */
	public Optional<Integer> exitCode() {
		return this.process.isAlive() ? Optional.empty() : Optional.of(this.process.exitValue());
	}

	/** The file holding the child's standard output and error. */
	public Path logFile() {
		return this.logFile;
	}

	/** What the child printed so far. */
	public String log() {
		return ProcessFiles.log(this.logFile);
	}

	/**
	 * Waits until the child printed a line matching {@code pattern} (searched with
	 * {@link Matcher#find()}) and returns the first such line.
	 * @throws IllegalStateException if the child exits or the timeout passes first, with
	 * the child's log
	 */
	public String awaitLine(Pattern pattern, Duration timeout) {
		return awaitLine(pattern, 0, timeout);
	}

	/**
	 * Like {@link #awaitLine(Pattern, Duration)}, ignoring the first {@code fromLine}
	 * lines (for example {@link #lineCount()} taken before an action).
	 */
	public String awaitLine(Pattern pattern, int fromLine, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			boolean exited = !this.process.isAlive();
			List<String> lines = lines();
			for (int i = fromLine; i < lines.size(); i++) {
				if (pattern.matcher(lines.get(i)).find()) {
					return lines.get(i);
				}
			}
			if (exited) {
				throw new IllegalStateException("The child JVM exited with code " + this.process.exitValue()
						+ " before printing a line matching '" + pattern + "'. Its output:\n" + log());
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The child JVM printed no line matching '" + pattern + "' within "
						+ timeout + ". Its output:\n" + log());
			}
			LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
		}
	}

	/** How many lines the child printed so far. */
	public int lineCount() {
		return lines().size();
	}

	/**
	 * Kills the child with SIGKILL (no shutdown hook runs) and waits until it is gone.
	 */
	public void kill() {
		this.process.destroyForcibly();
		awaitExit(Duration.ofSeconds(10));
	}

	/**
	 * Stops the child with SIGTERM (its shutdown hooks run, a Spring context closes) and
	 * waits up to {@code timeout}, then kills it.
	 * @return the exit code
	 */
	public int stop(Duration timeout) {
		this.process.destroy();
		if (!awaitExit(timeout)) {
			kill();
		}
		return this.process.exitValue();
	}

	/** {@link #stop(Duration)} with 30 s. */
	public int stop() {
		return stop(Duration.ofSeconds(30));
	}

	/**
	 * Waits until the child exits by itself.
	 * @return the exit code
	 * @throws IllegalStateException if it still runs after {@code timeout}
	 */
	public int awaitExitCode(Duration timeout) {
		if (!awaitExit(timeout)) {
			throw new IllegalStateException("The child JVM still runs after " + timeout + ". Its output:\n" + log());
		}
		return this.process.exitValue();
	}

	/**
	 * Kills the child if it still runs, and deletes its log unless a log file was given.
	 */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill();
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down already
		}
		if (this.ownedDirectory != null) {
			try {
				Files.deleteIfExists(this.logFile);
				Files.deleteIfExists(this.ownedDirectory);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	private boolean awaitExit(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
			return false;
		}
	}

	private List<String> lines() {
		try {
			return Files.exists(this.logFile) ? Files.readAllLines(this.logFile, StandardCharsets.ISO_8859_1)
					: List.of();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	/** The child's main class, arguments, system properties and environment. */
	public static final class Builder {

		private final String mainClass;

		private final List<String> arguments = new ArrayList<>();

		private final List<String> jvmOptions = new ArrayList<>();

		private final Map<String, String> systemProperties = new LinkedHashMap<>();

		private final Map<String, String> environment = new LinkedHashMap<>();

		private @Nullable Path logFile;

		private Builder(String mainClass) {
			this.mainClass = mainClass;
		}

		/** Arguments passed to {@code main}. */
		public Builder args(String... arguments) {
			this.arguments.addAll(List.of(arguments));
			return this;
		}

		/** A {@code -Dname=value} system property. */
		public Builder systemProperty(String name, String value) {
			this.systemProperties.put(name, value);
			return this;
		}

		/** A JVM option, for example {@code -Xmx256m}. */
		public Builder jvmOption(String option) {
			this.jvmOptions.add(option);
			return this;
		}

		/** An environment variable, added to the test JVM's environment. */
		public Builder env(String name, String value) {
			this.environment.put(name, value);
			return this;
		}

		/**
		 * Where the child's output goes (appended; kept by {@link JavaProcess#close()}).
		 * Without it, a temporary file that {@code close()} deletes.
		 */
		public Builder logFile(Path logFile) {
			this.logFile = logFile;
			return this;
		}

		/** Starts the child JVM. */
		public JavaProcess start() {
			Path directory = null;
			Path log = this.logFile;
			try {
				if (log == null) {
					directory = Files.createTempDirectory("jetway-jvm-");
					log = directory.resolve("output.log");
				}
				else if (log.getParent() != null) {
					Files.createDirectories(log.getParent());
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(this.jvmOptions);
			this.systemProperties.forEach((name, value) -> command.add("-D" + name + "=" + value));
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add(ParentWatchdog.class.getName());
			command.add(this.mainClass);
			command.addAll(this.arguments);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.redirectInput(ProcessBuilder.Redirect.PIPE);
			builder.environment().putAll(this.environment);
			try {
				return new JavaProcess(builder.start(), log, directory);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not start " + String.join(" ", command), ex);
			}
		}

	}

}
