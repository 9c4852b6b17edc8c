package io.jetway.test.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import io.jetway.test.net.FreePort;
import io.jetway.test.process.ProcessFiles;
import org.jspecify.annotations.Nullable;

/**
 * A private {@code nats-server} process on a free loopback port with its own temporary
 * store, for tests that must not share the machine's server. It can be stopped and
 * started again on the same port with the same store, or killed to simulate a crash.
 * <p>
 * The binary is {@link NatsServerBinary#DEFAULT} unless the builder names another
 * ({@link Builder#binary(NatsServerBinary)}).
 */
public final class NatsServerProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

	private final Path binary;

	private final Path directory;

	private final Path configFile;

	private final Path logFile;

	private final int port;

	private @Nullable Process process;

	private NatsServerProcess(Path binary, Path directory, int port, String config) {
		this.binary = binary;
		this.directory = directory;
		this.port = port;
		this.configFile = directory.resolve("nats-server.conf");
		this.logFile = directory.resolve("nats-server.log");
		write(this.configFile, config);
	}

	/**
	 * Starts a server with JetStream enabled and no authentication.
	 * @return the running server
	 */
	public static NatsServerProcess start() {
		return builder().start();
	}

	public static Builder builder() {
		return new Builder();
	}

	/** The client URL, for example {@code nats://127.0.0.1:41234}. */
	public String url() {
		return "nats://127.0.0.1:" + this.port;
	}

	public int port() {
		return this.port;
	}

	/** The binary this server runs. */
	public Path binary() {
		return this.binary;
	}

	/** The version the server's binary reports, for example {@code 2.9.10}. */
	public String version() {
		return NatsServerBinary.versionOf(this.binary);
	}

	/** The folder holding the configuration, log and JetStream store. */
	public Path directory() {
		return this.directory;
	}

	/** The running server's pid, for tests of the harness. */
	long pid() {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException("nats-server in " + this.directory + " does not run");
		}
		return current.pid();
	}

	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/** Starts the server again on the same port with the same store. */
	public synchronized NatsServerProcess restart() {
		if (isRunning()) {
			return this;
		}
		long logOffset = size(this.logFile);
		ProcessBuilder builder = new ProcessBuilder(this.binary.toString(), "-c", this.configFile.toString())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()));
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + this.binary + ": " + ex.getMessage(), ex);
		}
		awaitReady(logOffset);
		return this;
	}

	/**
	 * Stops the server gracefully (SIGTERM), keeping its store for {@link #restart()}.
	 */
	public synchronized void stop() {
		terminate(false);
	}

	/** Kills the server (SIGKILL), as a crash would, keeping its store. */
	public synchronized void kill() {
		terminate(true);
	}

	/**
	 * Suspends the server (SIGSTOP): it keeps its connections open and answers nothing,
	 * as a hung server would, until {@link #resume()}.
	 */
	public synchronized void suspend() {
		awaitStopped(signal("STOP"));
	}

	/** Resumes a {@link #suspend() suspended} server (SIGCONT). */
	public synchronized void resume() {
		signal("CONT");
	}

	/**
	 * Waits until the kernel shows every thread of the process stopped (state {@code T}
	 * in each {@code /proc/<pid>/task/<tid>/stat}; {@code /proc/<pid>/stat} shows only
	 * the main thread): {@code kill} returns before every thread of the server has
	 * stopped, and a request sent meanwhile may still be answered.
	 */
	private static void awaitStopped(long pid) {
		Path tasks = Path.of("/proc", Long.toString(pid), "task");
		if (!Files.isDirectory(tasks)) {
			return;
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (System.nanoTime() < deadline) {
			try {
				if (everyTaskStopped(tasks)) {
					return;
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
			}
			catch (IOException | UncheckedIOException ex) {
				return;
			}
		}
		throw new IllegalStateException("nats-server " + pid + " did not stop within 5 s of SIGSTOP");
	}

	private static boolean everyTaskStopped(Path tasks) throws IOException {
		try (Stream<Path> each = Files.list(tasks)) {
			return each.allMatch((task) -> {
				try {
					String line = Files.readString(task.resolve("stat"));
					String state = line.substring(line.lastIndexOf(')') + 2, line.lastIndexOf(')') + 3);
					return state.equals("T") || state.equals("t");
				}
				catch (NoSuchFileException ex) {
					// the thread has exited
					return true;
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
	}

	/**
	 * @return the pid signalled
	 */
	private long signal(String signal) {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			throw new IllegalStateException("nats-server in " + this.directory + " does not run");
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(current.pid())).inheritIO().start();
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + current.pid() + " failed");
			}
			return current.pid();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run kill: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while signalling nats-server", ex);
		}
	}

	/** Stops the server and deletes its store. */
	@Override
	public synchronized void close() {
		terminate(false);
		ProcessFiles.deleteRecursively(this.directory);
	}

	/** What the server logged so far, for failure messages. */
	public String log() {
		return ProcessFiles.log(this.logFile);
	}

	private void terminate(boolean kill) {
		Process current = this.process;
		if (current == null) {
			return;
		}
		if (current.isAlive()) {
			try {
				// a suspended server would leave SIGTERM pending until it is resumed
				signal("CONT");
			}
			catch (IllegalStateException ex) {
				// it exited meanwhile
			}
		}
		try {
			if (kill) {
				current.destroyForcibly();
			}
			else {
				current.destroy();
			}
			if (!current.waitFor(10, TimeUnit.SECONDS)) {
				current.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			current.destroyForcibly();
		}
		finally {
			this.process = null;
		}
	}

	private void awaitReady(long logOffset) {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			Process current = this.process;
			if (current == null || !current.isAlive()) {
				throw new IllegalStateException("nats-server exited at start:\n" + log());
			}
			String log = log();
			if (log.substring((int) Math.min(logOffset, log.length())).contains("Server is ready") && accepts()) {
				return;
			}
			LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
		}
		terminate(true);
		throw new IllegalStateException("nats-server did not become ready within " + START_TIMEOUT + ":\n" + log());
	}

	private boolean accepts() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static long size(Path file) {
		try {
			return Files.exists(file) ? Files.size(file) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static void write(Path file, String content) {
		try {
			Files.writeString(file, content, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Builds the server's configuration file. Extra configuration (authorization, TLS) is
	 * appended verbatim in nats-server's configuration syntax.
	 */
	public static final class Builder {

		private boolean jetStream = true;

		private NatsServerBinary binary = NatsServerBinary.DEFAULT;

		private @Nullable String serverName;

		private final StringBuilder extraConfig = new StringBuilder();

		private final StringBuilder jetStreamConfig = new StringBuilder();

		private Builder() {
		}

		/**
		 * Starts the server without JetStream, as a misconfigured production server would
		 * run.
		 */
		public Builder withoutJetStream() {
			this.jetStream = false;
			return this;
		}

		/**
		 * Runs the given binary, for example {@link NatsServerBinary#V2_15}, instead of
		 * {@link NatsServerBinary#DEFAULT}.
		 */
		public Builder binary(NatsServerBinary binary) {
			this.binary = binary;
			return this;
		}

		/**
		 * The server's name ({@code server_name}), by default {@code jetway_test_<port>}.
		 */
		public Builder serverName(String serverName) {
			this.serverName = serverName;
			return this;
		}

		/**
		 * Adds settings to the {@code jetstream} block, for example
		 * {@code max_buffered_msgs: 1} (a second {@code jetstream} block from
		 * {@link #config(String)} would replace the whole block, temporary store
		 * directory included).
		 */
		public Builder jetStreamConfig(String settings) {
			this.jetStreamConfig.append("  ").append(settings).append('\n');
			return this;
		}

		/**
		 * Appends a block of nats-server configuration, for example {@code authorization
		 * { token: s3cr3t }}.
		 */
		public Builder config(String config) {
			this.extraConfig.append(config).append('\n');
			return this;
		}

		public NatsServerProcess start() {
			Path binary = this.binary.path();
			Path directory;
			try {
				directory = Files.createTempDirectory("jetway-nats-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			int port = FreePort.find();
			StringBuilder config = new StringBuilder();
			config.append("listen: 127.0.0.1:").append(port).append('\n');
			config.append("server_name: ")
				.append((this.serverName != null) ? this.serverName : "jetway_test_" + port)
				.append('\n');
			if (this.jetStream) {
				config.append("jetstream {\n  store_dir: \"")
					.append(directory.resolve("store"))
					.append("\"\n  max_memory_store: 256MB\n  max_file_store: 2GB\n")
					.append(this.jetStreamConfig)
					.append("}\n");
			}
			config.append(this.extraConfig);
			NatsServerProcess server = new NatsServerProcess(binary, directory, port, config.toString());
			Runtime.getRuntime().addShutdownHook(new Thread(server::kill, "jetway-nats-test-cleanup"));
			return server.restart();
		}

	}

}
