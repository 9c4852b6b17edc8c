package io.jetway.sample.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code nats-server -js} child process on a free loopback port, its JetStream store
 * and log under a directory of the application's.
 */
public final class EmbeddedNatsServer implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

	private final Process process;

	private final int port;

	private final Path storeDirectory;

	private final Path logFile;

	private final Thread shutdownHook;

	private final CountDownLatch closed = new CountDownLatch(1);

	private EmbeddedNatsServer(Process process, int port, Path storeDirectory, Path logFile) {
		this.process = process;
		this.port = port;
		this.storeDirectory = storeDirectory;
		this.logFile = logFile;
		// the application context stops the server on close (after Jetway's connection
		// drained); this only covers an exit that never closes the context
		this.shutdownHook = new Thread(() -> {
			try {
				this.closed.await(20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.process.destroy();
		}, "embedded-nats-server-shutdown");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Starts the server and waits until it accepts connections.
	 * @param binary the nats-server executable
	 * @param directory where the JetStream store and the log go
	 * @return the running server
	 */
	public static EmbeddedNatsServer start(Path binary, Path directory) {
		try {
			Files.createDirectories(directory);
			int port = freePort();
			Path logFile = directory.resolve("nats-server.log");
			Process process = new ProcessBuilder(List.of(binary.toString(), "-js", "-a", "127.0.0.1", "-p",
					Integer.toString(port), "-sd", directory.toAbsolutePath().toString()))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
				.start();
			EmbeddedNatsServer server = new EmbeddedNatsServer(process, port, directory, logFile);
			server.awaitReady();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + binary + ": " + ex.getMessage(), ex);
		}
	}

	public String url() {
		return "nats://127.0.0.1:" + this.port;
	}

	public int port() {
		return this.port;
	}

	public Path storeDirectory() {
		return this.storeDirectory;
	}

	public Path logFile() {
		return this.logFile;
	}

	public boolean isRunning() {
		return this.process.isAlive();
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		this.closed.countDown();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down already
		}
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("nats-server exited at once with status " + this.process.exitValue()
						+ "; its log (" + this.logFile + "):\n" + logTail());
			}
			if (answers("127.0.0.1", this.port)) {
				return;
			}
			LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
		}
		close();
		throw new IllegalStateException("nats-server did not accept connections within " + START_TIMEOUT.toSeconds()
				+ " s; its log (" + this.logFile + "):\n" + logTail());
	}

	private String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.logFile, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(unreadable: " + ex.getMessage() + ")";
		}
	}

	static boolean answers(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
