package io.jetway.benchmarks;

import java.io.PrintStream;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.consumer.ListenerContainer;
import io.jetway.inbox.InboxRetention;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * The consumer benchmark: N messages pre-published into a fresh BENCH stream, consumed by
 * six scenarios, each with a fresh durable consumer (and a fresh PostgreSQL database
 * where it writes). Each scenario first runs on a few messages to warm the JIT up; then
 * (a) and (d) consume all N, the database scenarios the first
 * {@value #DEFAULT_INBOX_MESSAGES}.
 * <ul>
 * <li>(a) raw jnats: fetch batches of {@value #BATCH} through one pull subscription, ack
 * each</li>
 * <li>(b) raw JDBC inbox: fetch {@value #BATCH}, insert {@value #BATCH} inbox rows in one
 * transaction (one JDBC batch), commit, ack them</li>
 * <li>(c) raw PostgreSQL: one INSERT + commit per row, one connection</li>
 * <li>(d) Jetway listener, no-op handler, no inbox; (e) inbox, a transaction per message;
 * (f) inbox, a transaction per batch; (d) to (f) run once per {@code --concurrency} value
 * (default 4) with {@code --batch-size} (default {@value #BATCH})</li>
 * </ul>
 */
final class ConsumerBenchmark {

	static final String CONSUMER = "bench";

	static final int BATCH = 100;

	static final int DEFAULT_MESSAGES = 100_000;

	static final int QUICK_MESSAGES = 10_000;

	/** The database scenarios, bound by commits, consume the first of these messages. */
	static final int DEFAULT_INBOX_MESSAGES = 20_000;

	static final int QUICK_INBOX_MESSAGES = 2_000;

	/** Single-row commits measured by (c): a rate, so a capped count is enough. */
	static final int MAX_SINGLE_ROWS = 5_000;

	private static final String INSERT_INBOX = "INSERT INTO jetway_inbox (consumer, message_id, subject, stream, "
			+ "stream_seq, status, deliveries, received_at, processed_at) VALUES (?, ?, ?, ?, ?, 'processed', 1, ?, ?)";

	private static final PrintStream out = System.out;

	private final BenchmarkOptions options;

	private final int messages;

	private final int inboxMessages;

	private final int warmUp;

	ConsumerBenchmark(BenchmarkOptions options) {
		this.options = options;
		this.messages = options.events(DEFAULT_MESSAGES, QUICK_MESSAGES);
		this.inboxMessages = Math.min(this.messages, options.quick() ? QUICK_INBOX_MESSAGES : DEFAULT_INBOX_MESSAGES);
		this.warmUp = Math.max(1, this.inboxMessages / 4);
	}

	void run() throws Exception {
		Attempts attempts = new Attempts(this.options);
		try (NatsServerProcess server = NatsServerProcess.start()) {
			String natsUrl = server.url();
			out.println(OutboxBenchmark.environment(natsUrl));
			out.println(OutboxBenchmark.loadAverage("start"));
			out.printf(Locale.ROOT,
					"%,d messages pre-published; (a) and (d) consume them all, the database scenarios the first %,d; "
							+ "each scenario first runs on %,d (not measured); payload %d bytes of JSON; "
							+ "Jetway listeners: concurrency %s, batch-size %d, max-ack-pending 1000%n",
					this.messages, this.inboxMessages, this.warmUp, BenchEvent.of(0).toJson().length,
					this.options.concurrency(), this.options.batchSize());
			try (Connection connection = BenchStream.connect(natsUrl)) {
				BenchStream.recreate(connection);
				RawPublishScenario.publish(connection.jetStream(), 0, this.messages);
				BenchStream.expectMessages(connection, this.messages, "pre-publish");
				if (this.options.withHistory()) {
					historyCurve(natsUrl, connection, attempts);
					return;
				}
				ScenarioResult raw = attempts.attempt('a', "raw jnats fetch + ack",
						() -> warmedUp(this.messages, (count) -> rawConsume(connection, null, count)));
				ScenarioResult rawInbox = attempts.attempt('b', "raw JDBC inbox, 100 rows/tx",
						() -> warmedUp(this.inboxMessages,
								(count) -> withDatabase((dataSource) -> rawConsume(connection, dataSource, count))));
				ScenarioResult commits = attempts.attempt('c', "raw single-row commits",
						() -> warmedUp(this.inboxMessages,
								(count) -> withDatabase((dataSource) -> singleRowCommits(dataSource, count))));
				List<JetwayRun> runs = new ArrayList<>();
				for (int concurrency : this.options.concurrency()) {
					runs.add(jetwayRun(attempts, natsUrl, connection, concurrency));
				}
				out.println();
				out.printf("%-66s %12s %9s%n", "scenario", "msgs/s", "elapsed");
				row('a', "(a) raw jnats fetch 100 + ack each", raw);
				row('b', "(b) raw JDBC inbox: fetch 100, 100-row batch insert, commit, ack", rawInbox);
				row('c', "(c) raw PostgreSQL single-row INSERT + commit, one connection", commits);
				for (JetwayRun run : runs) {
					String settings = String.format(Locale.ROOT, ", concurrency %d", run.concurrency());
					row('d', "(d) Jetway listener, no-op, no inbox" + settings, run.plain());
					row('e', "(e) Jetway listener, no-op, inbox per message" + settings, run.perMessage());
					row('f', "(f) Jetway listener, no-op, inbox per batch" + settings, run.perBatch());
				}
				out.println();
				out.println("targets:");
				for (JetwayRun run : runs) {
					String settings = " (concurrency " + run.concurrency() + ")";
					target("(d) >= 0.8 x (a)" + settings, run.plain(), raw, 0.8);
					target("(e) >= 0.8 x (c)" + settings, run.perMessage(), commits, 0.8);
					target("(f) >= 0.5 x (b)" + settings, run.perBatch(), rawInbox, 0.5);
				}
				out.println(OutboxBenchmark.loadAverage("end"));
				attempts.printFailures();
			}
		}
	}

	/** (d) to (f) with one listener concurrency. */
	private JetwayRun jetwayRun(Attempts attempts, String natsUrl, Connection connection, int concurrency) {
		String settings = " (concurrency " + concurrency + ")";
		ScenarioResult plain = attempts.attempt('d', "Jetway listener, no inbox" + settings,
				() -> warmedUp(this.messages,
						(count) -> jetway(natsUrl, connection, "d", false, "per-message", concurrency, count, 0)));
		ScenarioResult perMessage = attempts.attempt('e', "Jetway listener, inbox per message" + settings,
				() -> warmedUp(this.inboxMessages,
						(count) -> jetway(natsUrl, connection, "e", true, "per-message", concurrency, count, 0)));
		ScenarioResult perBatch = attempts.attempt('f', "Jetway listener, inbox per batch" + settings,
				() -> warmedUp(this.inboxMessages,
						(count) -> jetway(natsUrl, connection, "f", true, "per-batch", concurrency, count, 0)));
		return new JetwayRun(concurrency, plain, perMessage, perBatch);
	}

	/**
	 * {@code --history}: the inbox scenarios (e) and (f), once per history size, each
	 * measured on a fresh database whose inbox holds that many processed rows of the
	 * consumer ({@link History}; the warm-up runs have none).
	 */
	private void historyCurve(String natsUrl, Connection connection, Attempts attempts) {
		int concurrency = this.options.concurrency().get(0);
		List<History.Point> perMessage = new ArrayList<>();
		List<History.Point> perBatch = new ArrayList<>();
		for (long rows : this.options.history()) {
			String history = String.format(Locale.ROOT, ", %,d inbox rows of history", rows);
			ScenarioResult e = attempts
				.attempt('e', "Jetway listener, inbox per message" + history, () -> warmedUp(this.inboxMessages,
						(count) -> jetway(natsUrl, connection, "e", true, "per-message", concurrency, count, rows)));
			perMessage.add(new History.Point(rows, e, null));
			ScenarioResult f = attempts.attempt('f', "Jetway listener, inbox per batch" + history,
					() -> warmedUp(this.inboxMessages,
							(count) -> jetway(natsUrl, connection, "f", true, "per-batch", concurrency, count, rows)));
			perBatch.add(new History.Point(rows, f, null));
		}
		History.printCurve("(e) Jetway listener, no-op, inbox per message", "msgs", perMessage);
		History.printCurve("(f) Jetway listener, no-op, inbox per batch of 100", "msgs", perBatch);
		out.println(OutboxBenchmark.loadAverage("end"));
		attempts.printFailures();
	}

	private void row(char scenario, String label, @Nullable ScenarioResult result) {
		if (!this.options.runs(scenario)) {
			return;
		}
		if (result == null) {
			out.printf("%-66s %12s%n", label, "failed");
			return;
		}
		out.printf(Locale.ROOT, "%-66s %,12.0f %8.1fs%n", label, result.eventsPerSecond(), result.elapsedNanos() / 1e9);
	}

	private static void target(String label, @Nullable ScenarioResult jetway, @Nullable ScenarioResult reference,
			double wanted) {
		if (jetway == null || reference == null) {
			out.printf("  %-20s not measured%n", label);
			return;
		}
		double ratio = jetway.eventsPerSecond() / reference.eventsPerSecond();
		out.printf(Locale.ROOT, "  %-20s %s (%.2f x)%n", label, OutboxBenchmark.verdict(ratio >= wanted), ratio);
	}

	/**
	 * Runs a scenario on {@link #warmUp} messages (so that the JIT compiled its code),
	 * then measures it on {@code measured} messages.
	 */
	private ScenarioResult warmedUp(int measured, CountedScenario scenario) throws Exception {
		scenario.run(this.warmUp);
		return scenario.run(measured);
	}

	private static ScenarioResult withDatabase(DatabaseWork work) throws Exception {
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create()) {
			DataSource dataSource = database.dataSource();
			new ResourceDatabasePopulator(new ClassPathResource(PlainPipelineScenario.SCHEMA)).execute(dataSource);
			return work.run(dataSource);
		}
	}

	/**
	 * (a) and (b): a fresh durable consumer fetching batches of {@value #BATCH}; with a
	 * data source, each batch is first inserted into {@code jetway_inbox} in one
	 * transaction.
	 */
	private ScenarioResult rawConsume(Connection connection, @Nullable DataSource dataSource, int count)
			throws Exception {
		String durable = (dataSource != null) ? "raw-inbox" : "raw";
		if (connection.jetStreamManagement().getConsumerNames(BenchStream.NAME).contains(durable)) {
			// each run consumes the stream from the start
			connection.jetStreamManagement().deleteConsumer(BenchStream.NAME, durable);
		}
		connection.jetStreamManagement()
			.addOrUpdateConsumer(BenchStream.NAME,
					ConsumerConfiguration.builder()
						.durable(durable)
						.ackPolicy(AckPolicy.Explicit)
						.maxAckPending(1000)
						.build());
		// one pull subscription for every fetch: with a subscription per fetch (jnats'
		// ConsumerContext.fetchMessages) a message arriving after its fetch closed waits
		// for the ack wait, which stalled this scenario for 30 s in some runs
		JetStreamSubscription subscription = connection.jetStream()
			.subscribe(null, PullSubscribeOptions.bind(BenchStream.NAME, durable));
		java.sql.Connection jdbc = (dataSource != null) ? dataSource.getConnection() : null;
		try {
			if (jdbc != null) {
				jdbc.setAutoCommit(false);
			}
			long start = System.nanoTime();
			int consumed = 0;
			List<Message> batch = new ArrayList<>(BATCH);
			while (consumed < count) {
				batch.clear();
				batch.addAll(subscription.fetch(Math.min(BATCH, count - consumed), Duration.ofSeconds(1)));
				if (jdbc != null && !batch.isEmpty()) {
					insertInbox(jdbc, durable, batch);
				}
				for (Message message : batch) {
					message.ack();
				}
				consumed += batch.size();
			}
			// the last ack is on the wire once the connection flushed
			connection.flush(Duration.ofSeconds(10));
			return new ScenarioResult(consumed, System.nanoTime() - start);
		}
		finally {
			subscription.unsubscribe();
			if (jdbc != null) {
				jdbc.close();
			}
		}
	}

	private static void insertInbox(java.sql.Connection jdbc, String consumer, List<Message> batch) throws Exception {
		Timestamp now = new Timestamp(System.currentTimeMillis());
		try (PreparedStatement insert = jdbc.prepareStatement(INSERT_INBOX)) {
			for (Message message : batch) {
				insert.setString(1, consumer);
				insert.setString(2, BenchStream.NAME + ":" + message.metaData().streamSequence());
				insert.setString(3, message.getSubject());
				insert.setString(4, BenchStream.NAME);
				insert.setLong(5, message.metaData().streamSequence());
				insert.setTimestamp(6, now);
				insert.setTimestamp(7, now);
				insert.addBatch();
			}
			insert.executeBatch();
		}
		jdbc.commit();
	}

	/** (c): one INSERT of an inbox-shaped row and one commit per row, one connection. */
	private ScenarioResult singleRowCommits(DataSource dataSource, int count) throws Exception {
		int rows = Math.min(count, MAX_SINGLE_ROWS);
		try (java.sql.Connection jdbc = dataSource.getConnection();
				PreparedStatement insert = jdbc.prepareStatement(INSERT_INBOX)) {
			jdbc.setAutoCommit(false);
			long start = System.nanoTime();
			for (int row = 0; row < rows; row++) {
				Timestamp now = new Timestamp(System.currentTimeMillis());
				insert.setString(1, "single");
				insert.setString(2, "BENCH:" + row);
				insert.setString(3, BenchEvent.SUBJECT);
				insert.setString(4, BenchStream.NAME);
				insert.setLong(5, row);
				insert.setTimestamp(6, now);
				insert.setTimestamp(7, now);
				insert.executeUpdate();
				jdbc.commit();
			}
			return new ScenarioResult(rows, System.nanoTime() - start);
		}
	}

	/**
	 * (d) to (f): a Jetway context whose listener container is resumed once the context
	 * is up; measured from that start until the handler saw every message and the
	 * consumer has no acknowledgement pending. A warm-up run (fewer messages than the
	 * stream holds) ends once its messages were handled.
	 * @param history processed rows of the consumer written into the inbox before the
	 * measured run starts (not before a warm-up run); the inbox's first retention run is
	 * timed before the measurement
	 */
	private ScenarioResult jetway(String natsUrl, Connection connection, String durableSuffix, boolean inbox,
			String transaction, int concurrency, int count, long history) throws Exception {
		if (connection.jetStreamManagement().getConsumerNames(BenchStream.NAME).contains(CONSUMER)) {
			// each scenario consumes the whole stream from the start
			connection.jetStreamManagement().deleteConsumer(BenchStream.NAME, CONSUMER);
		}
		boolean measured = count != this.warmUp;
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create()) {
			if (measured && history > 0) {
				History.inbox(database.dataSource(), CONSUMER, history);
			}
			String prefix = "jetway.consumers." + CONSUMER + ".";
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(
					ConsumerBenchmarkApplication.class)
				.web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.properties("spring.application.name=jetway-benchmark-" + durableSuffix, "logging.level.root=WARN",
						"spring.autoconfigure.exclude=" + JetwayOutboxScenario.MODULITH_AUTO_CONFIGURATIONS,
						"jetway.nats.servers=" + natsUrl, "spring.datasource.url=" + database.url(),
						"spring.datasource.username=" + database.username(),
						"spring.datasource.password=" + database.password(), "jetway.jdbc.initialize-schema=always",
						"jetway.jobs.enabled=false", prefix + "stream=" + BenchStream.NAME,
						prefix + "concurrency=" + concurrency, prefix + "batch-size=" + this.options.batchSize(),
						prefix + "max-ack-pending=1000", prefix + "inbox=" + inbox,
						prefix + "transaction=" + transaction, prefix + "auto-startup=false")
				.run()) {
				ConsumerBenchmarkApplication.NoOpListener listener = context
					.getBean(ConsumerBenchmarkApplication.NoOpListener.class);
				ListenerContainer container = context.getBean(JetStreamListenerRegistry.class).getContainer(CONSUMER);
				if (container == null) {
					throw new IllegalStateException("no listener container " + CONSUMER);
				}
				if (measured && history > 0) {
					out.println("  " + History.cleanupRate("first inbox retention run",
							() -> context.getBean(InboxRetention.class).cleanUp()));
				}
				if (measured && this.options.withHistory()) {
					// every point of the curve starts from a checkpoint and idle CPUs:
					// the
					// fill's and the retention run's writes are not the measurement's
					String settled = IdleMachine.settle(database.dataSource());
					if (!settled.isEmpty()) {
						out.println("  " + settled.trim());
					}
				}
				long start = System.nanoTime();
				// auto-startup=false: the container is started with the context, paused
				container.start();
				container.resume();
				long end = awaitDone(connection, listener, start, count, measured);
				if (measured && this.options.withHistory()) {
					out.println("  " + History.sizes(database.dataSource(), "jetway_inbox"));
				}
				return new ScenarioResult(count, end - start);
			}
		}
	}

	private long awaitDone(Connection connection, ConsumerBenchmarkApplication.NoOpListener listener, long start,
			int count, boolean untilAcked) throws Exception {
		long deadline = start + Duration.ofSeconds(Math.max(120, count / 20)).toNanos();
		while (listener.handled.get() < count) {
			if (System.nanoTime() > deadline) {
				throw new TimeoutException("only " + listener.handled.get() + " of " + count + " handled");
			}
			LockSupport.parkNanos(1_000_000);
		}
		if (!untilAcked) {
			return System.nanoTime();
		}
		while (true) {
			// the stream's sequences start at 1: the first count messages are
			// acknowledged
			// once the ack floor reached count (the listener may have gone beyond)
			ConsumerInfo info = connection.jetStreamManagement().getConsumerInfo(BenchStream.NAME, CONSUMER);
			if (info.getAckFloor().getStreamSequence() >= count) {
				return System.nanoTime();
			}
			if (System.nanoTime() > deadline) {
				throw new TimeoutException("acks still pending: " + info.getNumAckPending());
			}
			LockSupport.parkNanos(2_000_000);
		}
	}

	private record JetwayRun(int concurrency, @Nullable ScenarioResult plain, @Nullable ScenarioResult perMessage,
			@Nullable ScenarioResult perBatch) {

	}

	@FunctionalInterface
	private interface CountedScenario {

		ScenarioResult run(int count) throws Exception;

	}

	@FunctionalInterface
	private interface DatabaseWork {

		ScenarioResult run(DataSource dataSource) throws Exception;

	}

}
