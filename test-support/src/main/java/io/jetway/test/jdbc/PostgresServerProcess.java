package io.jetway.test.jdbc;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import io.jetway.test.net.FreePort;
import io.jetway.test.process.ProcessFiles;

/**
 * A private PostgreSQL server ({@code initdb} + {@code pg_ctl}) on a free loopback port
 * with its own temporary data folder, for tests that stop, kill or restart the database
 * without touching the machine's shared server. Authentication is {@code trust} for user
 * {@code postgres}; durability settings are relaxed ({@code fsync=off}), which is safe
 * against a crash of the server process (what {@link #kill()} does), not of the machine.
 * <p>
 * The binaries come from {@code $JETWAY_POSTGRES_BIN}, the newest
 * {@code /usr/lib/postgresql/<version>/bin} (Debian), or {@code PATH}. PostgreSQL refuses
 * to run as root, so when the tests run as root the server runs as the {@code postgres}
 * operating system user (via {@code runuser}) and the temporary folder belongs to it.
 * <p>
 * If the test JVM is killed with SIGKILL the server keeps running (a shutdown hook stops
 * it on every other exit); {@code pg_ctl -D <folder>/data stop} ends it.
 */
public final class PostgresServerProcess implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String USER = "postgres";

	private final Path binaries;

	private final Path directory;

	private final Path dataDirectory;

	private final Path logFile;

	private final int port;

	private final boolean asPostgresUser;

	private PostgresServerProcess(Path binaries, Path directory, int port, boolean asPostgresUser) {
		this.binaries = binaries;
		this.directory = directory;
		this.dataDirectory = directory.resolve("data");
		this.logFile = directory.resolve("postgres.log");
		this.port = port;
		this.asPostgresUser = asPostgresUser;
	}

	/**
	 * Creates a fresh data folder and starts a server on a free port.
	 * @return the running server
	 */
	public static PostgresServerProcess start() {
		Path binaries = findBinaries();
		boolean asPostgresUser = runsAsRoot();
		Path directory;
		try {
			directory = Files.createTempDirectory("jetway-pg-");
			if (asPostgresUser) {
				giveToPostgresUser(directory);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create the PostgreSQL data folder", ex);
		}
		PostgresServerProcess server = new PostgresServerProcess(binaries, directory, FreePort.find(), asPostgresUser);
		Runtime.getRuntime().addShutdownHook(new Thread(server::kill, "jetway-postgres-test-cleanup"));
		server.initialize();
		return server.restart();
	}

	/** The JDBC URL of the {@code postgres} database. */
	public String jdbcUrl() {
		return jdbcUrl("postgres");
	}

	/** The JDBC URL of the given database on this server. */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	/** The user to connect as ({@code postgres}, no password needed). */
	public String username() {
		return USER;
	}

	public int port() {
		return this.port;
	}

	/** The folder holding the data folder ({@code data/}) and the server log. */
	public Path directory() {
		return this.directory;
	}

	/** Creates a database, for tests that want one per scenario. */
	public void createDatabase(String name) {
		try (Connection connection = DriverManager.getConnection(jdbcUrl(), USER, "");
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create database " + name + ": " + ex.getMessage(), ex);
		}
	}

	/** Whether the postmaster is running (its pid file names a live process). */
	public boolean isRunning() {
		return postmaster().map(ProcessHandle::isAlive).orElse(false);
	}

	/**
	 * Starts the server again on the same port with the same data (after {@link #stop()}
	 * or {@link #kill()}, the latter runs crash recovery). Returns once it accepts
	 * connections.
	 */
	public synchronized PostgresServerProcess restart() {
		if (isRunning()) {
			return this;
		}
		pgCtl("start", "-w", "-t", String.valueOf(TIMEOUT.toSeconds()), "-l", this.logFile.toString());
		return this;
	}

	/** Stops the server with a fast shutdown (open sessions are disconnected). */
	public synchronized void stop() {
		if (isRunning()) {
			pgCtl("stop", "-m", "fast", "-w", "-t", String.valueOf(TIMEOUT.toSeconds()));
		}
	}

	/**
	 * Kills the postmaster with SIGKILL, as a crash would, and waits until its backends
	 * noticed and exited (those still alive after 5 s are killed too), so that
	 * {@link #restart()} can start on the same data.
	 */
	public synchronized void kill() {
		Optional<ProcessHandle> postmaster = postmaster();
		if (postmaster.isEmpty() || !postmaster.get().isAlive()) {
			return;
		}
		List<ProcessHandle> backends = postmaster.get().children().toList();
		postmaster.get().destroyForcibly();
		awaitExit(List.of(postmaster.get()), Duration.ofSeconds(10));
		if (!awaitExit(backends, Duration.ofSeconds(5))) {
			backends.forEach(ProcessHandle::destroyForcibly);
			awaitExit(backends, Duration.ofSeconds(5));
		}
	}

	/** Stops the server at once and deletes its data folder. */
	@Override
	public synchronized void close() {
		if (isRunning()) {
			try {
				pgCtl("stop", "-m", "immediate", "-w", "-t", "30");
			}
			catch (IllegalStateException ex) {
				kill();
			}
		}
		ProcessFiles.deleteRecursively(this.directory);
	}

	/** What the server logged so far, for failure messages. */
	public String log() {
		return ProcessFiles.log(this.logFile);
	}

	private void initialize() {
		run(List.of(this.binaries.resolve("initdb").toString(), "-D", this.dataDirectory.toString(), "-A", "trust",
				"-U", USER, "-E", "UTF8", "--locale=C", "--no-sync"));
		String settings = "\n# jetway test server\n" + "port = " + this.port + "\n" + "listen_addresses = '127.0.0.1'\n"
				+ "unix_socket_directories = '" + this.directory + "'\n" + "fsync = off\n" + "full_page_writes = off\n"
				+ "shared_buffers = 32MB\n" + "max_connections = 100\n";
		try {
			Files.writeString(this.dataDirectory.resolve("postgresql.conf"), settings, StandardCharsets.UTF_8,
					java.nio.file.StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Optional<ProcessHandle> postmaster() {
		Path pidFile = this.dataDirectory.resolve("postmaster.pid");
		try {
			if (!Files.exists(pidFile)) {
				return Optional.empty();
			}
			List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
			return lines.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private void pgCtl(String action, String... options) {
		List<String> command = new ArrayList<>(
				List.of(this.binaries.resolve("pg_ctl").toString(), action, "-D", this.dataDirectory.toString()));
		command.addAll(List.of(options));
		try {
			run(command);
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(ex.getMessage() + "\nServer log:\n" + log(), ex);
		}
	}

	private void run(List<String> command) {
		List<String> full = new ArrayList<>();
		if (this.asPostgresUser) {
			full.addAll(List.of("runuser", "-u", USER, "--"));
		}
		full.addAll(command);
		Path output = this.directory.resolve("command.out");
		try {
			Process process = new ProcessBuilder(full).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", full) + " did not finish within " + TIMEOUT + ":\n"
						+ Files.readString(output));
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", full) + " failed with exit code " + process.exitValue()
						+ ":\n" + Files.readString(output));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + String.join(" ", full), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + String.join(" ", full), ex);
		}
	}

	private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (processes.stream().anyMatch(ProcessHandle::isAlive)) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
		}
		return true;
	}

	static Path findBinaries() {
		String configured = System.getenv("JETWAY_POSTGRES_BIN");
		if (configured != null && !configured.isBlank()) {
			Path path = Path.of(configured);
			if (Files.isExecutable(path.resolve("initdb")) && Files.isExecutable(path.resolve("pg_ctl"))) {
				return path;
			}
			throw new IllegalStateException("$JETWAY_POSTGRES_BIN=" + configured
					+ " holds no executable initdb and pg_ctl. Point it at PostgreSQL's bin folder.");
		}
		Path debian = Path.of("/usr/lib/postgresql");
		if (Files.isDirectory(debian)) {
			try (Stream<Path> versions = Files.list(debian)) {
				Optional<Path> newest = versions.map((version) -> version.resolve("bin"))
					.filter((bin) -> Files.isExecutable(bin.resolve("initdb")))
					.max(Comparator.comparingInt(PostgresServerProcess::majorVersion));
				if (newest.isPresent()) {
					return newest.get();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String entry : path.split(File.pathSeparator)) {
				if (Files.isExecutable(Path.of(entry, "initdb")) && Files.isExecutable(Path.of(entry, "pg_ctl"))) {
					return Path.of(entry);
				}
			}
		}
		throw new IllegalStateException(
				"PostgreSQL's initdb and pg_ctl were not found (looked at $JETWAY_POSTGRES_BIN, "
						+ "/usr/lib/postgresql/<version>/bin and PATH). Install them with 'apt-get install postgresql' "
						+ "(Debian) or set JETWAY_POSTGRES_BIN to PostgreSQL's bin folder, then run the tests again.");
	}

	private static int majorVersion(Path bin) {
		try {
			return Integer.parseInt(bin.getParent().getFileName().toString());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static boolean runsAsRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	private static void giveToPostgresUser(Path directory) throws IOException {
		UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
		PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
		try {
			view.setOwner(users.lookupPrincipalByName(USER));
			GroupPrincipal group = users.lookupPrincipalByGroupName(USER);
			view.setGroup(group);
		}
		catch (IOException ex) {
			throw new IOException("The tests run as root, so PostgreSQL must run as the 'postgres' user, which could "
					+ "not own " + directory + " (" + ex.getMessage() + "). Create the user (apt-get install "
					+ "postgresql does) or run the tests as a non-root user.", ex);
		}
	}

}
