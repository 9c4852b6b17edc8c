package io.jetway.benchmarks;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.nats.client.Connection;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * (c) Jetway's outbox on PostgreSQL: a producer thread commits {@value #BATCH}
 * {@code publisher.publish(...)} per transaction; throughput is measured from the start
 * of the first commit to the PubAck of the last event. Then a paced producer at 1,000
 * events/s measures commit-to-PubAck latency per event.
 */
final class JetwayOutboxScenario {

	static final int BATCH = 100;

	static final String MODULITH_AUTO_CONFIGURATIONS = String.join(",",
			"org.springframework.modulith.core.config.ApplicationModuleInitializerRuntimeVerification",
			"org.springframework.modulith.events.config.EventPublicationAutoConfiguration",
			"org.springframework.modulith.events.config.EventExternalizationAutoConfiguration",
			"org.springframework.modulith.events.jackson.JacksonEventSerializationConfiguration",
			"org.springframework.modulith.events.jackson2.Jackson2EventSerializationConfiguration",
			"org.springframework.modulith.events.jdbc.JdbcEventPublicationAutoConfiguration",
			"org.springframework.modulith.moments.autoconfigure.MomentsAutoConfiguration",
			"org.springframework.modulith.moments.autoconfigure.MomentsJacksonAutoConfiguration");

	private JetwayOutboxScenario() {
	}

	record Outcome(ScenarioResult throughput, List<LatencyResult> latencies) {

		long latencyEvents() {
			return this.latencies.stream().mapToLong(LatencyResult::events).sum();
		}

	}

	/**
	 * @param history sent rows written into the outbox before Jetway starts
	 * ({@link History}); the relay's first cleanup, which runs as it starts, is awaited
	 * and its delete statements timed before the measurement
	 */
	static Outcome run(String natsUrl, BenchmarkOptions options, long history) throws Exception {
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create();
				Connection connection = BenchStream.connect(natsUrl)) {
			BenchStream.deleteAll(connection);
			History.outbox(database.dataSource(), history, BenchEvent.of(0).toJson().length);
			JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
			Timestamp started = new Timestamp(System.currentTimeMillis());
			long startedNanos = System.nanoTime();
			long backlog = pastRetention(jdbc, started);
			Outcome outcome;
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(JetwayBenchmarkApplication.class)
				.web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.properties("spring.application.name=jetway-benchmark", "logging.level.root=WARN",
						"spring.autoconfigure.exclude=" + MODULITH_AUTO_CONFIGURATIONS,
						"jetway.nats.servers=" + natsUrl, "spring.datasource.url=" + database.url(),
						"spring.datasource.username=" + database.username(),
						"spring.datasource.password=" + database.password(), "jetway.jdbc.initialize-schema=always",
						"jetway.topology.streams.BENCH.subjects=bench.>")
				.run()) {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
				AckRecorder acks = context.getBean(AckRecorder.class);
				if (backlog > 0) {
					awaitCleanup(jdbc, acks, backlog, started, startedNanos);
				}
				int warmUp = options.warmUpEvents();
				commitInBatches(publisher, transactions, 0, warmUp);
				acks.await(warmUp, timeout(warmUp));
				long start = System.nanoTime();
				commitInBatches(publisher, transactions, warmUp, options.events());
				long lastAck = acks.await(warmUp + options.events(), timeout(options.events()));
				ScenarioResult throughput = new ScenarioResult(options.events(), lastAck - start);
				List<LatencyResult> latencies = new ArrayList<>();
				long sequence = (long) warmUp + options.events();
				for (int perTransaction : options.latencyEventsPerTransaction()) {
					LatencyResult latency = pacedRun(publisher, transactions, acks, options, perTransaction, sequence);
					sequence += latency.events();
					latencies.add(latency);
				}
				outcome = new Outcome(throughput, latencies);
				if (options.withHistory()) {
					System.out.println("  " + History.sizes(database.dataSource(), "jetway_outbox"));
				}
			}
			BenchStream.expectMessages(connection, options.warmUpEvents() + options.events() + outcome.latencyEvents(),
					"(c)");
			return outcome;
		}
	}

	/**
	 * Sent rows past the default retention of 7 days at {@code now}; the first cleanup
	 * deletes them all (and rows that pass the retention later, the next).
	 */
	private static long pastRetention(JdbcTemplate jdbc, Timestamp now) {
		Long rows = jdbc.queryForObject(
				"SELECT count(*) FROM jetway_outbox WHERE status = 'sent' AND sent_at < ?::timestamptz - interval '7 days'",
				Long.class, now);
		return (rows != null) ? rows : 0;
	}

	/**
	 * Waits for the relay's first cleanup, which runs at its first poll as the context
	 * starts, and prints its own rate: rows deleted over the time of its delete
	 * statements ({@link io.jetway.outbox.OutboxObserver#cleanedUp}), not the context's
	 * start (tens of seconds on a loaded machine); then checks that no row is left that
	 * was past the retention when the context started.
	 */
	private static void awaitCleanup(JdbcTemplate jdbc, AckRecorder acks, long backlog, Timestamp started,
			long startedNanos) throws TimeoutException {
		AckRecorder.Cleanup cleanup = acks.awaitFirstCleanup(Duration.ofMinutes(10));
		double seconds = cleanup.took().toNanos() / 1e9;
		System.out.printf(Locale.ROOT,
				"  first outbox cleanup: %,d rows deleted in %.2f s of delete statements, %,.0f rows/s "
						+ "(%,d past the retention at the context's start; it ended %.1f s after the start began)%n",
				cleanup.deleted(), seconds, cleanup.deleted() / seconds, backlog,
				(cleanup.endedNanos() - startedNanos) / 1e9);
		long left = pastRetention(jdbc, started);
		if (left > 0) {
			throw new IllegalStateException("the relay's first cleanup left " + left + " of " + backlog
					+ " rows that were past the retention when the context started");
		}
	}

	private static void commitInBatches(JetwayPublisher publisher, TransactionTemplate transactions, long first,
			int count) {
		for (long sequence = first; sequence < first + count; sequence += BATCH) {
			long from = sequence;
			long to = Math.min(first + count, sequence + BATCH);
			transactions.executeWithoutResult((status) -> {
				for (long event = from; event < to; event++) {
					publisher.publish(BenchEvent.SUBJECT, BenchEvent.of(event));
				}
			});
		}
	}

	/**
	 * Commits {@code perTransaction} events per transaction on a fixed schedule that adds
	 * up to 1,000 events/s, records for each event when its transaction returned, and
	 * compares with when its PubAck was seen.
	 */
	private static LatencyResult pacedRun(JetwayPublisher publisher, TransactionTemplate transactions, AckRecorder acks,
			BenchmarkOptions options, int perTransaction, long firstSequence) throws Exception {
		int total = (int) (options.latencyRate() * options.latencyDuration().toSeconds());
		total -= total % perTransaction;
		long intervalNanos = 1_000_000_000L * perTransaction / options.latencyRate();
		UUID[] ids = new UUID[total];
		long[] committed = new long[total];
		long acknowledgedBefore = acks.acknowledged();
		acks.recordTimes();
		long start = System.nanoTime() + 10_000_000;
		int sent = 0;
		for (int transaction = 0; sent < total; transaction++) {
			long due = start + transaction * intervalNanos;
			for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
				LockSupport.parkNanos(due - now);
			}
			long first = firstSequence + sent;
			List<UUID> committedIds = transactions.execute((status) -> {
				List<UUID> receipts = new ArrayList<>(perTransaction);
				for (int i = 0; i < perTransaction; i++) {
					receipts.add(publisher.publish(BenchEvent.SUBJECT, BenchEvent.of(first + i)).id());
				}
				return receipts;
			});
			long now = System.nanoTime();
			for (UUID id : committedIds) {
				ids[sent] = id;
				committed[sent++] = now;
			}
		}
		double achievedRate = total * 1e9 / (System.nanoTime() - start);
		acks.await(acknowledgedBefore + total, Duration.ofMinutes(2));
		long[] latencies = new long[total];
		for (int i = 0; i < total; i++) {
			Long ack = acks.ackTime(ids[i]);
			if (ack == null) {
				throw new IllegalStateException("No PubAck seen for event " + ids[i]);
			}
			// the relay may see the PubAck before the producer thread reads the clock
			latencies[i] = Math.max(0, ack - committed[i]);
		}
		return LatencyResult.of(perTransaction, intervalNanos / 1_000_000, latencies, achievedRate);
	}

	private static Duration timeout(long events) {
		// generous: a relay that slows down as its backlog grows takes minutes, and the
		// figure should still be reported
		return Duration.ofSeconds(Math.max(120, events / 50));
	}

}
