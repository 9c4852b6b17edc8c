package io.jetway.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobRetention;
import io.jetway.jobs.JobState;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.nats.NatsServerProcess;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The jobs benchmark: enqueue-to-completed jobs/s of a no-op job on PostgreSQL, enqueued
 * {@value #BATCH} per transaction, then enqueue-to-start latency of jobs enqueued one per
 * transaction at a paced {@value #RATE} jobs/s; for Jetway, db-scheduler and JobRunr,
 * each on a fresh database.
 */
final class JobsBenchmark {

	static final int BATCH = 100;

	static final int RATE = 500;

	/** Paced enqueues, not measured, before the latency run. */
	static final int PACED_WARM_UP_SECONDS = 10;

	/**
	 * Long enough for steady state: 20,000 jobs took 3 to 5 s, a time in which the start
	 * of the run and the JIT compiler moved results by 20-30% from run to run.
	 */
	static final int DEFAULT_JOBS = 60_000;

	static final int QUICK_JOBS = 2_000;

	static final int JETWAY_CONCURRENCY = 20;

	static final int DB_SCHEDULER_THREADS = 20;

	/** db-scheduler's table for PostgreSQL, as its README gives it. */
	private static final String DB_SCHEDULER_TABLE = """
			create table scheduled_tasks (
			  task_name text not null,
			  task_instance text not null,
			  task_data bytea,
			  execution_time timestamp with time zone not null,
			  picked BOOLEAN not null,
			  picked_by text,
			  last_success timestamp with time zone,
			  last_failure timestamp with time zone,
			  consecutive_failures INT,
			  last_heartbeat timestamp with time zone,
			  version BIGINT not null,
			  priority SMALLINT,
			  PRIMARY KEY (task_name, task_instance)
			);
			CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
			CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
			CREATE INDEX priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
			""";

	private static final PrintStream out = System.out;

	private final BenchmarkOptions options;

	private final int jobs;

	private final int warmUpJobs;

	private final Duration latencyDuration;

	JobsBenchmark(BenchmarkOptions options) {
		this.options = options;
		this.jobs = options.events(DEFAULT_JOBS, QUICK_JOBS);
		this.warmUpJobs = Math.max(BATCH, this.jobs / 4);
		this.latencyDuration = Duration.ofSeconds(options.quick() ? 5 : 10);
	}

	/** One job system under test, started on a fresh database. */
	private interface JobSystem extends AutoCloseable {

		/** Enqueues jobs {@code first .. first + count - 1} in one transaction. */
		void enqueue(long first, int count) throws Exception;

		/** Whether {@code expected} jobs completed since the start. */
		boolean completed(long expected) throws Exception;

		/** Runs after the system started on its history, before anything is measured. */
		default void beforeMeasuring() throws Exception {
		}

		/** Runs after the measurements, before the system is closed. */
		default void afterMeasuring() throws Exception {
		}

	}

	@FunctionalInterface
	private interface JobSystemFactory {

		JobSystem start(DataSource dataSource, String databaseUrl, TestDatabaseInstance database) throws Exception;

	}

	record Outcome(ScenarioResult throughput, @Nullable LatencyResult latency) {

	}

	void run() throws Exception {
		Attempts attempts = new Attempts(this.options);
		try (NatsServerProcess server = NatsServerProcess.start()) {
			String natsUrl = server.url();
			out.println(OutboxBenchmark.environment(natsUrl));
			out.println(OutboxBenchmark.loadAverage("start"));
			out.printf(Locale.ROOT,
					"%,d no-op jobs per throughput run, enqueued %d per transaction, after %,d warm-up jobs (not "
							+ "measured) on the same system; latency: one job per transaction at %d jobs/s for %d s, "
							+ "after %d s of the same (not measured)%n",
					this.jobs, BATCH, this.warmUpJobs, RATE, this.latencyDuration.toSeconds(), PACED_WARM_UP_SECONDS);
			if (this.options.withHistory()) {
				historyCurve(natsUrl, attempts);
				return;
			}
			Outcome jetway = attempts.attempt('a', "Jetway jobs",
					() -> measure((ds, url, db) -> jetway(natsUrl, db, null), 0));
			Outcome dbSchedulerDefault = attempts.attempt('b', "db-scheduler, lock-and-fetch, default polling",
					() -> measure((ds, url, db) -> dbScheduler(ds, SchedulerBuilder.DEFAULT_POLLING_INTERVAL), 0));
			Outcome dbSchedulerFast = attempts.attempt('c', "db-scheduler, lock-and-fetch, 100 ms polling",
					() -> measure((ds, url, db) -> dbScheduler(ds, Duration.ofMillis(100)), 0));
			Outcome jobRunr = attempts.attempt('d', "JobRunr", () -> measure((ds, url, db) -> jobRunr(ds), 0));
			out.println();
			out.printf("%-62s %9s %9s %11s %11s%n", "scenario", "jobs/s", "elapsed", "p50 start", "p99 start");
			row('a', "(a) Jetway jobs, queue concurrency " + JETWAY_CONCURRENCY, jetway);
			row('b', "(b) db-scheduler 16.7.1, lock-and-fetch, 20 threads, 10 s poll", dbSchedulerDefault);
			row('c', "(c) db-scheduler 16.7.1, lock-and-fetch, 20 threads, 100 ms poll", dbSchedulerFast);
			row('d', "(d) JobRunr 8.3.1, PostgreSQL, default background job server", jobRunr);
			out.println();
			out.println("targets:");
			Outcome bestDbScheduler = best(dbSchedulerDefault, dbSchedulerFast);
			ratio("Jetway >= 1.5 x db-scheduler's best", jetway, bestDbScheduler, 1.5);
			ratio("Jetway ahead of JobRunr", jetway, jobRunr, 1.0);
			if (jetway != null && jetway.latency() != null) {
				long p99 = jetway.latency().p99Nanos();
				out.printf(Locale.ROOT, "  %-40s %s (%s)%n", "Jetway p99 enqueue-to-start < 50 ms",
						OutboxBenchmark.verdict(p99 < 50_000_000L), OutboxBenchmark.millis(p99));
			}
			out.println(OutboxBenchmark.loadAverage("end"));
			attempts.printFailures();
		}
	}

	/**
	 * {@code --history}: Jetway alone, once per history size, on a fresh database holding
	 * that many finished jobs ({@link History}); retention keeps jobs
	 * {@value History#JOBS_RETENTION}, and its first run, timed before the measurement,
	 * deletes the history's oldest 31st.
	 */
	private void historyCurve(String natsUrl, Attempts attempts) {
		List<History.Point> points = new ArrayList<>();
		for (long rows : this.options.history()) {
			Outcome outcome = attempts.attempt('a',
					String.format(Locale.ROOT, "Jetway jobs, %,d jobs of history", rows),
					() -> measure((ds, url, db) -> jetway(natsUrl, db, rows), rows));
			points.add(new History.Point(rows, (outcome != null) ? outcome.throughput() : null,
					(outcome != null) ? outcome.latency() : null));
		}
		History.printCurve("(a) Jetway jobs, queue concurrency " + JETWAY_CONCURRENCY + ", latency: enqueue to start",
				"jobs", points);
		out.println(OutboxBenchmark.loadAverage("end"));
		attempts.printFailures();
	}

	private static @Nullable Outcome best(@Nullable Outcome first, @Nullable Outcome second) {
		if (first == null) {
			return second;
		}
		if (second == null) {
			return first;
		}
		return (first.throughput().eventsPerSecond() >= second.throughput().eventsPerSecond()) ? first : second;
	}

	private static void ratio(String label, @Nullable Outcome jetway, @Nullable Outcome peer, double wanted) {
		if (jetway == null || peer == null) {
			out.printf("  %-40s not measured%n", label);
			return;
		}
		double ratio = jetway.throughput().eventsPerSecond() / peer.throughput().eventsPerSecond();
		out.printf(Locale.ROOT, "  %-40s %s (%.2f x)%n", label, OutboxBenchmark.verdict(ratio >= wanted), ratio);
	}

	private void row(char scenario, String label, @Nullable Outcome outcome) {
		if (!this.options.runs(scenario)) {
			return;
		}
		if (outcome == null) {
			out.printf("%-62s %9s%n", label, "not measured (failed)");
			return;
		}
		LatencyResult latency = outcome.latency();
		out.printf(Locale.ROOT, "%-62s %,9.0f %8.1fs %11s %11s%n", label, outcome.throughput().eventsPerSecond(),
				outcome.throughput().elapsedNanos() / 1e9,
				(latency != null) ? OutboxBenchmark.millis(latency.p50Nanos()) : "-",
				(latency != null) ? OutboxBenchmark.millis(latency.p99Nanos()) : "-");
	}

	/**
	 * @param history finished jobs written into {@code jetway_jobs} before the system
	 * starts (Jetway only)
	 */
	private Outcome measure(JobSystemFactory factory, long history) throws Exception {
		int latencyJobs = (int) (RATE * this.latencyDuration.toSeconds());
		int pacedWarmUp = RATE * PACED_WARM_UP_SECONDS;
		int warm = this.warmUpJobs;
		JobProbe.reset(warm + this.jobs + pacedWarmUp + latencyJobs);
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create()) {
			if (history > 0) {
				History.jobs(database.dataSource(), history);
			}
			try (JobSystem system = factory.start(database.dataSource(), database.url(), database)) {
				system.beforeMeasuring();
				// the JIT compiles the job system's code paths before anything is
				// measured
				enqueueInBatches(system, 0, warm);
				await(system, warm);
				String settled = IdleMachine.settle(database.dataSource());
				long start = System.nanoTime();
				enqueueInBatches(system, warm, this.jobs);
				long enqueuedAll = System.nanoTime();
				long startedByThen = JobProbe.started.get() - warm;
				long end = await(system, warm + this.jobs);
				ScenarioResult throughput = new ScenarioResult(this.jobs, end - start);
				out.printf(Locale.ROOT,
						"  throughput %,.0f jobs/s%s (the producer enqueued them in %.2f s, when %,d had started); "
								+ "paced latency run ...%n",
						throughput.eventsPerSecond(), settled, (enqueuedAll - start) / 1e9, startedByThen);
				// and those of one job per transaction
				long first = warm + this.jobs;
				enqueuePaced(system, first, pacedWarmUp);
				await(system, first + pacedWarmUp);
				first += pacedWarmUp;
				IdleMachine.settle(database.dataSource());
				long pacedStart = System.nanoTime();
				long[] enqueued = enqueuePaced(system, first, latencyJobs);
				double achieved = latencyJobs * 1e9 / (System.nanoTime() - pacedStart);
				out.printf(Locale.ROOT, "  paced producer achieved %,.0f jobs/s%n", achieved);
				await(system, first + latencyJobs);
				long[] latencies = new long[latencyJobs];
				long[] started = JobProbe.startTimes;
				for (int i = 0; i < latencyJobs; i++) {
					latencies[i] = Math.max(0, started[(int) first + i] - enqueued[i]);
				}
				system.afterMeasuring();
				return new Outcome(throughput, LatencyResult.of(1, 1000 / RATE, latencies, achieved));
			}
		}
	}

	/**
	 * Enqueues one job per transaction at {@value #RATE} jobs/s.
	 * @return when each enqueue transaction returned
	 */
	private static long[] enqueuePaced(JobSystem system, long first, int count) throws Exception {
		long[] enqueued = new long[count];
		long interval = 1_000_000_000L / RATE;
		long pacedStart = System.nanoTime() + 10_000_000;
		for (int i = 0; i < count; i++) {
			long due = pacedStart + i * interval;
			for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
				LockSupport.parkNanos(due - now);
			}
			system.enqueue(first + i, 1);
			enqueued[i] = System.nanoTime();
		}
		return enqueued;
	}

	private static void enqueueInBatches(JobSystem system, long first, int count) throws Exception {
		for (long next = first; next < first + count; next += BATCH) {
			system.enqueue(next, (int) Math.min(BATCH, first + count - next));
		}
	}

	/**
	 * @return when {@code expected} jobs were seen completed (polled every 10 ms)
	 */
	private static long await(JobSystem system, long expected) throws Exception {
		long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
		while (!system.completed(expected)) {
			if (System.nanoTime() > deadline) {
				throw new TimeoutException(JobProbe.started.get() + " of " + expected + " jobs started in 5 minutes");
			}
			LockSupport.parkNanos(10_000_000);
		}
		return System.nanoTime();
	}

	/**
	 * @param history with {@code --history}: the jobs of history in the database
	 * (retention keeps {@value History#JOBS_RETENTION}, runs only when called)
	 */
	private JobSystem jetway(String natsUrl, TestDatabaseInstance database, @Nullable Long history) {
		List<String> retention = (history != null)
				? List.of("jetway.jobs.retention.succeeded=" + History.JOBS_RETENTION,
						"jetway.jobs.retention.failed=" + History.JOBS_RETENTION,
						"jetway.jobs.retention.cleanup-interval=1h")
				: List.of();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JobsBenchmarkApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("spring.application.name=jetway-jobs-benchmark", "logging.level.root=WARN",
					"spring.autoconfigure.exclude=" + JetwayOutboxScenario.MODULITH_AUTO_CONFIGURATIONS,
					"jetway.nats.servers=" + natsUrl, "spring.datasource.url=" + database.url(),
					"spring.datasource.username=" + database.username(),
					"spring.datasource.password=" + database.password(), "jetway.jdbc.initialize-schema=always",
					"jetway.jobs.queues.default.concurrency=" + JETWAY_CONCURRENCY)
			.properties(retention.toArray(String[]::new))
			.run();
		JobClient client = context.getBean(JobClient.class);
		TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
		JobsBenchmarkApplication.Completions completions = context.getBean(JobsBenchmarkApplication.Completions.class);
		return new JobSystem() {

			@Override
			public void enqueue(long first, int count) {
				transactions.executeWithoutResult((status) -> {
					for (long seq = first; seq < first + count; seq++) {
						client.enqueue("noop", Map.of("seq", seq));
					}
				});
			}

			@Override
			public boolean completed(long expected) {
				return completions.completed.get() >= expected;
			}

			@Override
			public void beforeMeasuring() {
				if (history != null && history > 0) {
					out.println("  " + History.cleanupRate("first retention run",
							() -> context.getBean(JobRetention.class).cleanUp()));
				}
			}

			@Override
			public void afterMeasuring() {
				if (history != null) {
					out.println("  " + History.sizes(database.dataSource(), "jetway_jobs"));
					for (JobState state : List.of(JobState.FAILED, JobState.COMPLETED)) {
						out.println("  " + listing(client, state));
					}
				}
			}

			@Override
			public void close() {
				context.close();
			}

		};
	}

	/**
	 * @return how long {@code JobClient.list("default", state, 0, 20)} takes (the best of
	 * three)
	 */
	private static String listing(JobClient client, JobState state) {
		long best = Long.MAX_VALUE;
		int found = 0;
		for (int i = 0; i < 3; i++) {
			long start = System.nanoTime();
			found = client.list("default", state, 0, 20).size();
			best = Math.min(best, System.nanoTime() - start);
		}
		return String.format(Locale.ROOT, "list(\"default\", %s, 0, 20): %d jobs in %s (best of 3)", state, found,
				OutboxBenchmark.millis(best));
	}

	private JobSystem dbScheduler(DataSource dataSource, Duration pollingInterval) {
		new JdbcTemplate(dataSource).execute(DB_SCHEDULER_TABLE);
		OneTimeTask<Void> task = Tasks.oneTime("noop")
			.execute((instance, context) -> JobProbe.started(Long.parseLong(instance.getId())));
		// scheduling joins the Spring transaction through the proxy: 100 per transaction
		DataSource transactional = new TransactionAwareDataSourceProxy(dataSource);
		TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		Scheduler scheduler = Scheduler.create(transactional, task)
			.threads(DB_SCHEDULER_THREADS)
			.pollUsingLockAndFetch(0.5, 3.0)
			.pollingInterval(pollingInterval)
			.build();
		scheduler.start();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		return new JobSystem() {

			@Override
			public void enqueue(long first, int count) {
				List<TaskInstance<?>> instances = new ArrayList<>(count);
				LongStream.range(first, first + count)
					.forEach((seq) -> instances.add(task.instance(Long.toString(seq))));
				Instant now = Instant.now();
				transactions.executeWithoutResult((status) -> scheduler.scheduleBatch(instances, now));
			}

			@Override
			public boolean completed(long expected) {
				// a one-time task's row is deleted when its execution completes
				return JobProbe.started.get() >= expected
						&& jdbc.queryForObject("SELECT COUNT(*) FROM scheduled_tasks", Long.class) == 0;
			}

			@Override
			public void close() {
				scheduler.stop();
			}

		};
	}

	private JobSystem jobRunr(DataSource dataSource) {
		StorageProvider storage = SqlStorageProviderFactory.using(dataSource);
		JobActivator activator = new JobActivator() {

			@Override
			public <T> T activateJob(Class<T> type) {
				return type.cast(new NoOpJobRequest.Handler());
			}

		};
		JobRequestScheduler scheduler = JobRunr.configure()
			.useStorageProvider(storage)
			.useJobActivator(activator)
			.useBackgroundJobServer()
			.initialize()
			.getJobRequestScheduler();
		return new JobSystem() {

			@Override
			public void enqueue(long first, int count) {
				// JobRunr saves a stream of jobs in one batch
				scheduler.enqueue(LongStream.range(first, first + count).mapToObj(NoOpJobRequest::new));
			}

			@Override
			public boolean completed(long expected) {
				return JobProbe.started.get() >= expected && storage.getJobStats().getSucceeded() >= expected;
			}

			@Override
			public void close() {
				JobRunr.destroy();
			}

		};
	}

}
