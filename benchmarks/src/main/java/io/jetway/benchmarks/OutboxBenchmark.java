package io.jetway.benchmarks;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.Connection;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The transactional outbox benchmark: four scenarios on one private nats-server (file
 * storage) and a fresh PostgreSQL database each, the same events, one table of figures.
 * <ul>
 * <li>(a) raw jnats JetStream asynchronous publish ({@link RawPublishScenario})</li>
 * <li>(b) a hand-written JDBC + jnats outbox pipeline, the physical limit
 * ({@link PlainPipelineScenario})</li>
 * <li>(c) Jetway's outbox, commit to PubAck, and its latency at 1,000 events/s
 * ({@link JetwayOutboxScenario})</li>
 * <li>(d) Spring Modulith's JDBC event publication registry
 * ({@link ModulithScenario})</li>
 * </ul>
 */
final class OutboxBenchmark {

	private static final PrintStream out = System.out;

	private final BenchmarkOptions options;

	private final Map<Character, String> failures = new LinkedHashMap<>();

	OutboxBenchmark(BenchmarkOptions options) {
		this.options = options;
	}

	void run() throws Exception {
		try (NatsServerProcess server = NatsServerProcess.start()) {
			String natsUrl = server.url();
			out.println(environment(natsUrl));
			out.println(loadAverage("start"));
			out.printf(Locale.ROOT, "%,d events per scenario after %,d warm-up events; payload %d bytes of JSON%n",
					this.options.events(), this.options.warmUpEvents(), BenchEvent.of(0).toJson().length);
			if (this.options.withHistory()) {
				historyCurve(natsUrl);
				return;
			}
			ScenarioResult raw = attempt('a', "raw jnats publishAsync",
					() -> RawPublishScenario.run(natsUrl, this.options));
			ScenarioResult plain = attempt('b', "hand-written JDBC + jnats pipeline",
					() -> PlainPipelineScenario.run(natsUrl, this.options));
			JetwayOutboxScenario.Outcome jetway = attempt('c', "Jetway outbox",
					() -> JetwayOutboxScenario.run(natsUrl, this.options, 0));
			ScenarioResult modulith = attempt('d', "Spring Modulith JDBC registry",
					() -> ModulithScenario.run(this.options));
			printTable(raw, plain, jetway, modulith);
		}
	}

	/**
	 * {@code --history}: Jetway's outbox (c) alone, once per history size, on a fresh
	 * database whose outbox holds that many sent rows ({@link History}).
	 */
	private void historyCurve(String natsUrl) {
		List<History.Point> points = new ArrayList<>();
		for (long rows : this.options.history()) {
			JetwayOutboxScenario.Outcome jetway = attempt('c',
					String.format(Locale.ROOT, "Jetway outbox, %,d sent rows of history", rows),
					() -> JetwayOutboxScenario.run(natsUrl, this.options, rows));
			points.add(new History.Point(rows, (jetway != null) ? jetway.throughput() : null,
					(jetway != null && !jetway.latencies().isEmpty()) ? jetway.latencies().get(0) : null));
		}
		History.printCurve("(c) Jetway outbox, 100 events/tx; latency: commit to PubAck at 1,000/s, "
				+ this.options.latencyEventsPerTransaction().get(0) + "/tx", "events", points);
		out.println(loadAverage("end"));
		this.failures.forEach((scenario, failure) -> out.printf("  (%s) failed: %s%n", scenario, failure));
	}

	private <T> @Nullable T attempt(char scenario, String name, Scenario<T> body) {
		if (!this.options.runs(scenario)) {
			return null;
		}
		out.printf("running (%s) %s ...%n", scenario, name);
		long start = System.nanoTime();
		try {
			T result = body.run();
			out.printf(Locale.ROOT, "  done in %.1f s%n", (System.nanoTime() - start) / 1e9);
			return result;
		}
		catch (Exception ex) {
			this.failures.put(scenario, ex.toString());
			out.println("  failed: " + ex);
			ex.printStackTrace(out);
			return null;
		}
	}

	private void printTable(@Nullable ScenarioResult raw, @Nullable ScenarioResult plain,
			JetwayOutboxScenario.@Nullable Outcome jetway, @Nullable ScenarioResult modulith) {
		ScenarioResult jetwayThroughput = (jetway != null) ? jetway.throughput() : null;
		out.println();
		out.printf("%-68s %12s %8s %9s%n", "scenario", "events/s", "vs (b)", "elapsed");
		row('a', "(a) raw jnats publishAsync, unique Nats-Msg-Id, window " + RawPublishScenario.WINDOW, raw, plain);
		row('b', "(b) hand-written JDBC + jnats outbox, 100 rows/tx, SKIP LOCKED", plain, plain);
		row('c', "(c) Jetway outbox, 100 events/tx, commit to PubAck", jetwayThroughput, plain);
		row('d', "(d) Spring Modulith JDBC registry, 100 events/tx, no-op listener", modulith, plain);
		if (jetway != null) {
			for (LatencyResult latency : jetway.latencies()) {
				out.printf(Locale.ROOT,
						"(c) commit-to-PubAck at 1,000 events/s, %d event(s) per transaction every %d ms "
								+ "(%,d events, achieved %,.0f events/s):%n",
						latency.eventsPerTransaction(), latency.intervalMillis(), latency.events(),
						latency.achievedRate());
				out.printf(Locale.ROOT, "      p50 %s   p99 %s   max %s%n", millis(latency.p50Nanos()),
						millis(latency.p99Nanos()), millis(latency.maxNanos()));
			}
		}
		out.println();
		out.println("targets:");
		if (jetwayThroughput != null && plain != null) {
			double ratio = jetwayThroughput.eventsPerSecond() / plain.eventsPerSecond();
			out.printf(Locale.ROOT, "  (c) >= 0.8 x (b):                %s (%.2f x)%n", verdict(ratio >= 0.8), ratio);
		}
		if (jetwayThroughput != null && modulith != null) {
			double ratio = jetwayThroughput.eventsPerSecond() / modulith.eventsPerSecond();
			out.printf(Locale.ROOT, "  (c) ahead of (d):                %s (%.1f x)%n", verdict(ratio > 1), ratio);
		}
		if (jetway != null) {
			for (LatencyResult latency : jetway.latencies()) {
				String paced = (latency.achievedRate() < 0.95 * this.options.latencyRate()) ? String.format(Locale.ROOT,
						", but the producer only reached %,.0f events/s", latency.achievedRate()) : "";
				out.printf(Locale.ROOT, "  p99 < 20 ms at 1,000/s, %2d/tx: %s (%s%s)%n", latency.eventsPerTransaction(),
						verdict(latency.p99Nanos() < 20_000_000L), millis(latency.p99Nanos()), paced);
			}
		}
		out.println(loadAverage("end"));
		this.failures.forEach((scenario, failure) -> out.printf("  (%s) failed: %s%n", scenario, failure));
	}

	private void row(char scenario, String label, @Nullable ScenarioResult result, @Nullable ScenarioResult plain) {
		if (!this.options.runs(scenario)) {
			return;
		}
		if (result == null) {
			out.printf("%-68s %12s%n", label, "failed");
			return;
		}
		String ratio = (plain != null)
				? String.format(Locale.ROOT, "%.2f", result.eventsPerSecond() / plain.eventsPerSecond()) : "-";
		out.printf(Locale.ROOT, "%-68s %,12.0f %8s %8.1fs%n", label, result.eventsPerSecond(), ratio,
				result.elapsedNanos() / 1e9);
	}

	static String loadAverage(String when) {
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		return String.format(Locale.ROOT, "load average (1 min) at %s: %.2f on %d CPUs", when, load,
				Runtime.getRuntime().availableProcessors());
	}

	static String verdict(boolean met) {
		return met ? "met" : "MISSED";
	}

	static String millis(long nanos) {
		return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
	}

	static String environment(String natsUrl) {
		String nats;
		try (Connection connection = BenchStream.connect(natsUrl)) {
			nats = connection.getServerInfo().getVersion();
		}
		catch (Exception ex) {
			nats = "unknown (" + ex.getMessage() + ")";
		}
		String postgres;
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create()) {
			postgres = new JdbcTemplate(database.dataSource()).queryForObject("SHOW server_version", String.class);
		}
		catch (Exception ex) {
			postgres = "unknown (" + ex.getMessage() + ")";
		}
		return String.format(Locale.ROOT, "machine: %d CPUs, Java %s, nats-server %s (file storage), PostgreSQL %s",
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), nats, postgres);
	}

	@FunctionalInterface
	private interface Scenario<T> {

		T run() throws Exception;

	}

}
