package io.jetway.faulttests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerInfo;
import javax.sql.DataSource;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * One scenario's run: its database, its workload instances, the faults it injected, and
 * at the end the accounting of effects, printed as one result line.
 */
final class WorkloadRun implements AutoCloseable {

	private static final Duration POLL = Duration.ofMillis(200);

	private static final String AWAIT_START = "--workload.await-start=true";

	private static final String DEAD_LETTER_STREAM = "JETWAY_DLQ";

	/** JetStream's error code for a stream that does not exist. */
	private static final int STREAM_NOT_FOUND = 10059;

	private final String scenario;

	private final String server;

	private final int operations;

	private final ScenarioDatabase database;

	private final EffectLedger ledger;

	private final Path logDirectory;

	private final List<WorkloadInstance> instances = new ArrayList<>();

	private final List<FaultWindow> faults = new ArrayList<>();

	private final Instant deadline;

	private int foreignOperations;

	/**
	 * @param scenario the scenario's name, the first column of its result line
	 * @param server the nats-server version, the second column
	 * @param database where the workload writes
	 * @param extraTime time the scenario's faults add to the usual bound (an outage)
	 */
	WorkloadRun(String scenario, String server, ScenarioDatabase database, Duration extraTime) {
		this.scenario = scenario;
		this.server = server;
		this.operations = FaultSettings.operations();
		this.database = database;
		this.ledger = new EffectLedger(database.dataSource());
		this.logDirectory = Path.of("target", "fault-logs",
				(scenario + "-" + server).replaceAll("[^A-Za-z0-9.-]+", "_").toLowerCase(Locale.ROOT));
		deleteRecursively(this.logDirectory);
		this.deadline = Instant.now().plus(Duration.ofMinutes(3)).plusMillis(this.operations * 30L).plus(extraTime);
	}

	int operations() {
		return this.operations;
	}

	DataSource database() {
		return this.database.dataSource();
	}

	/** Records a fault injected by the scenario itself. */
	void recordFault(FaultWindow fault) {
		this.faults.add(fault);
	}

	/** Starts a workload instance that commits its share of the run's operations. */
	WorkloadInstance startInstance(String name, String natsServers, String... extraArguments) {
		List<String> arguments = new ArrayList<>(
				List.of("--jetway.nats.servers=" + natsServers, "--spring.datasource.url=" + this.database.jdbcUrl(),
						"--spring.datasource.username=" + this.database.username(),
						"--spring.datasource.password=" + this.database.password(),
						"--workload.operations=" + this.operations, "--workload.rate=" + FaultSettings.rate()));
		arguments.addAll(List.of(extraArguments));
		WorkloadInstance instance = WorkloadInstance.start(name, this.logDirectory, arguments);
		synchronized (this.instances) {
			this.instances.add(instance);
		}
		return instance;
	}

	/** Starts several instances on the same NATS servers (see the overload). */
	List<WorkloadInstance> startInstances(String natsServers, String... names) {
		Map<String, String> instances = new LinkedHashMap<>();
		for (String name : names) {
			instances.put(name, natsServers);
		}
		return startInstances(instances);
	}

	/**
	 * Starts several instances, each with its own {@code jetway.nats.servers}: the first
	 * alone, the others at once when it is up: instances starting together on an empty
	 * PostgreSQL database collide in its catalog running
	 * {@code CREATE TABLE IF NOT EXISTS} ({@code pg_type_typname_nsp_index}). Jetway's
	 * schema initializer takes an advisory lock for that
	 * ({@code SchemaInitializerConcurrencyTests}); the workload's own {@code schema.sql},
	 * run by Spring Boot's initializer, does not. Their drivers wait until all are up
	 * ({@code workload.await-start}): otherwise the first would commit most of the run
	 * while the others start, and a fault injected "mid-run" would find it finished.
	 * @param natsServersByName the servers of each instance, by instance name
	 */
	List<WorkloadInstance> startInstances(Map<String, String> natsServersByName) {
		List<WorkloadInstance> started = new ArrayList<>();
		List<CompletableFuture<WorkloadInstance>> starting = new ArrayList<>();
		natsServersByName.forEach((name, natsServers) -> {
			if (started.isEmpty()) {
				started.add(startInstance(name, natsServers, AWAIT_START));
			}
			else {
				starting.add(CompletableFuture.supplyAsync(() -> startInstance(name, natsServers, AWAIT_START)));
			}
		});
		starting.forEach((instance) -> started.add(instance.join()));
		recordStart();
		return started;
	}

	private void recordStart() {
		try (java.sql.Connection connection = this.database.dataSource().getConnection();
				Statement statement = connection.createStatement()) {
			statement.executeUpdate("INSERT INTO workload_start (id) VALUES (1)");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not record the start of the run: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Operations the test commits itself besides the driver's (events of a foreign
	 * producer); they must have their effects too.
	 */
	void expectForeignOperations(int count) {
		this.foreignOperations += count;
	}

	/** Every operation that must have its effects: the driver's and the foreign ones. */
	int expectedOperations() {
		return this.operations + this.foreignOperations;
	}

	/**
	 * Waits until at least {@code count} operations are committed and the downstream is
	 * busy: more job effects than when the wait began, so a fault lands while the relay,
	 * the listener and the jobs all work.
	 */
	void awaitProgress(long count) {
		long jobEffects = this.ledger.operationsWithJobEffect();
		try {
			// on an idle machine the workload may already be done: then no new effect can
			// come
			awaitUntil("at least " + count + " operations committed and new job effects (or all of them)",
					() -> this.ledger.operations() >= count && (this.ledger.operationsWithJobEffect() > jobEffects
							|| this.ledger.operationsWithJobEffect() >= expectedOperations()));
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError(this.scenario + " on " + this.server + ": no progress: " + ex.getMessage() + "\n"
					+ this.ledger.result(this.faults, -1) + "\n" + logs(), ex);
		}
	}

	/**
	 * Runs a fault: {@code inject} breaks something, {@code repair} puts it right; the
	 * window from before the one to after the other is recorded for the recovery time.
	 */
	void fault(String name, Runnable inject, Runnable repair) {
		Instant start = Instant.now();
		inject.run();
		repair.run();
		this.faults.add(new FaultWindow(name, start, Instant.now()));
	}

	/** Keeps a fault in place for {@code outage}, checking it really lasts. */
	static void holdOutage(Duration outage, BooleanSupplier stillBroken) {
		await().during(outage).atMost(outage.plusSeconds(5)).pollInterval(POLL).until(stillBroken::getAsBoolean);
	}

	/**
	 * Waits until every operation has both effects, every job is terminal, every outbox
	 * row is sent and the consumers hold nothing, then stops the instances gracefully,
	 * counts and prints the result line. The caller asserts on the result.
	 * @param natsServers where to ask the consumers' state
	 */
	RunResult finish(String natsServers) {
		RuntimeException incomplete = null;
		long deadLetters = -1;
		try (Connection nats = Nats.connect(new Options.Builder().server(natsServers)
			.connectionTimeout(Duration.ofSeconds(5))
			.maxReconnects(-1)
			.build())) {
			JetStreamManagement management = nats.jetStreamManagement();
			awaitUntil("every operation handled, every job terminal, every outbox row sent, consumers empty",
					() -> complete() && drained(management, "OPERATIONS", "effects")
							&& drained(management, "JOBS", "jetway-jobs-effects"));
			// Right after a node restart the JetStream API may time out or answer
			// "cluster
			// temporarily unavailable": read again until the deadline instead of failing
			// the run.
			long[] count = { -1 };
			awaitUntil("the dead-letter stream readable", () -> {
				count[0] = deadLetters(management);
				return true;
			});
			deadLetters = count[0];
		}
		catch (RuntimeException ex) {
			incomplete = ex;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not connect to " + natsServers + " to check the consumers", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		stopInstances();
		RunResult result = this.ledger.result(this.faults, deadLetters);
		ResultLines.record(result.line(this.scenario, this.server));
		if (incomplete != null) {
			throw new AssertionError(this.scenario + " on " + this.server + " did not complete: "
					+ incomplete.getMessage() + "\n" + result + "\n" + logs(), incomplete);
		}
		return result;
	}

	/** Messages in the dead-letter stream; 0 when nothing ever created it. */
	private static long deadLetters(JetStreamManagement management) {
		try {
			return management.getStreamInfo(DEAD_LETTER_STREAM).getStreamState().getMsgCount();
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == STREAM_NOT_FOUND) {
				return 0;
			}
			throw new IllegalStateException("Could not read the stream " + DEAD_LETTER_STREAM, ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the stream " + DEAD_LETTER_STREAM, ex);
		}
	}

	/**
	 * Messages of {@code consumer} its inbox recorded as processed on a redelivery.
	 */
	long redeliveredInboxMessages(String consumer) {
		return this.ledger.redeliveredInboxMessages(consumer);
	}

	private boolean complete() {
		int expected = expectedOperations();
		return this.ledger.operations() == expected && this.ledger.operationsWithListenerEffect() == expected
				&& this.ledger.operationsWithJobEffect() == expected && this.ledger.jobsNotTerminal() == 0
				&& this.ledger.outboxNotSent() == 0;
	}

	private static boolean drained(JetStreamManagement management, String stream, String consumer) {
		try {
			ConsumerInfo info = management.getConsumerInfo(stream, consumer);
			return info.getNumPending() == 0 && info.getNumAckPending() == 0;
		}
		catch (Exception ex) {
			return false;
		}
	}

	private void awaitUntil(String what, BooleanSupplier condition) {
		Duration remaining = Duration.between(Instant.now(), this.deadline);
		if (remaining.isNegative() || remaining.isZero()) {
			throw new ConditionTimeoutException(this.scenario + " ran out of time before: " + what);
		}
		await(what).atMost(remaining)
			.pollInterval(POLL)
			.ignoreExceptions()
			.until(() -> condition.getAsBoolean() || allDead());
		if (allDead()) {
			throw new IllegalStateException(
					"Every workload instance exited while waiting for: " + what + "\n" + logs());
		}
	}

	private boolean allDead() {
		synchronized (this.instances) {
			return !this.instances.isEmpty() && this.instances.stream().noneMatch(WorkloadInstance::isAlive);
		}
	}

	private void stopInstances() {
		List<WorkloadInstance> running;
		synchronized (this.instances) {
			running = List.copyOf(this.instances);
		}
		CompletableFuture
			.allOf(running.stream()
				.map((instance) -> CompletableFuture.runAsync(instance::stop))
				.toArray(CompletableFuture[]::new))
			.orTimeout(60, TimeUnit.SECONDS)
			.join();
	}

	private String logs() {
		StringBuilder logs = new StringBuilder();
		synchronized (this.instances) {
			for (WorkloadInstance instance : this.instances) {
				String log = instance.log();
				logs.append("--- ")
					.append(instance.name())
					.append(" (last 4000 characters)\n")
					.append(log.substring(Math.max(0, log.length() - 4000)))
					.append('\n');
			}
		}
		return logs.toString();
	}

	private static void deleteRecursively(Path directory) {
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

	@Override
	public void close() {
		synchronized (this.instances) {
			this.instances.forEach(WorkloadInstance::close);
		}
		this.database.close();
	}

}
