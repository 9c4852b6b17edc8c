package io.jetway.faulttests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jetway.faulttests.workload.WorkloadApplication;
import io.jetway.test.process.JavaProcess;
import org.jspecify.annotations.Nullable;

/**
 * One instance of the workload application, a child JVM that a scenario kills, stops and
 * starts again with the same settings. Every start writes its own log file.
 */
final class WorkloadInstance implements AutoCloseable {

	private static final Pattern STARTED = Pattern.compile("Started WorkloadApplication in");

	private static final Pattern CONNECTED = Pattern
		.compile("(?:Connected|Reconnected) to NATS at nats://[^:]+:(\\d+)");

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);

	private final String name;

	private final Path logDirectory;

	private final List<String> arguments;

	private @Nullable JavaProcess process;

	private int starts;

	private WorkloadInstance(String name, Path logDirectory, List<String> arguments) {
		this.name = name;
		this.logDirectory = logDirectory;
		this.arguments = arguments;
	}

	/**
	 * Starts an instance and waits until its application context is up.
	 * @param name the instance name, recorded with its effects
	 * @param logDirectory where its log files go
	 * @param arguments its {@code --property=value} arguments
	 */
	static WorkloadInstance start(String name, Path logDirectory, List<String> arguments) {
		List<String> all = new ArrayList<>(arguments);
		all.add("--workload.instance=" + name);
		WorkloadInstance instance = new WorkloadInstance(name, logDirectory, all);
		instance.start();
		return instance;
	}

	String name() {
		return this.name;
	}

	boolean isAlive() {
		JavaProcess current = this.process;
		return current != null && current.isAlive();
	}

	/** Starts the instance again (after {@link #kill()} or {@link #stop()}). */
	synchronized void start() {
		if (isAlive()) {
			return;
		}
		this.starts++;
		JavaProcess started = JavaProcess.builder(WorkloadApplication.class)
			.jvmOption("-Xmx256m")
			.jvmOption("-XX:+UseSerialGC")
			.jvmOption("-XX:TieredStopAtLevel=1")
			.args(this.arguments.toArray(String[]::new))
			.logFile(this.logDirectory.resolve(this.name + "-" + this.starts + ".log"))
			.start();
		this.process = started;
		started.awaitLine(STARTED, START_TIMEOUT);
	}

	/** Kills the instance with SIGKILL, as a crash would. */
	synchronized void kill() {
		JavaProcess current = this.process;
		if (current != null) {
			current.kill();
		}
	}

	/** Stops the instance with SIGTERM (a graceful shutdown) and waits for its exit. */
	synchronized int stop() {
		JavaProcess current = this.process;
		return (current != null && current.isAlive()) ? current.stop(STOP_TIMEOUT) : 0;
	}

	/**
	 * The port of the NATS server this instance is connected to now, from its latest
	 * "Connected to" or "Reconnected to" log line.
	 */
	int connectedNatsPort() {
		Matcher last = null;
		for (String line : log().split("\n")) {
			Matcher matcher = CONNECTED.matcher(line);
			if (matcher.find()) {
				last = matcher;
			}
		}
		if (last == null) {
			throw new IllegalStateException(this.name + " has not logged a connection to NATS:\n" + log());
		}
		return Integer.parseInt(last.group(1));
	}

	/** Lines of the latest start's log that contain {@code text}. */
	long linesContaining(String text) {
		return log().lines().filter((line) -> line.contains(text)).count();
	}

	/** The log of the latest start, for failure messages. */
	String log() {
		JavaProcess current = this.process;
		return (current != null) ? current.log() : "";
	}

	@Override
	public synchronized void close() {
		JavaProcess current = this.process;
		if (current != null) {
			current.close();
		}
	}

}
