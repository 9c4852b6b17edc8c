package io.jetway.benchmarks;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobOptions;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.nats.NatsServerProcess;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The external-workers benchmark: jobs/s and enqueue-to-start latency of the same no-op
 * jobs run (a) by an in-process {@code @JobHandler} and (b) by external workers over the
 * Open Job Spec HTTP binding (N threads, each looping FETCH of {@code count} jobs, then
 * one ACK per job, with a worker token), in one application on one database.
 * <p>
 * Per run: {@value JobsBenchmark#BATCH} jobs per transaction, a quarter of the jobs first
 * (not measured), a checkpoint and idle wait ({@link IdleMachine}), then the measured
 * jobs enqueued while the workers run: jobs/s = jobs / (start of the first enqueue
 * transaction to the last completion, an in-process handler's {@code completed} event or
 * a worker's ACK answered 200). Then one job per transaction at {@value #RATE} jobs/s,
 * first unmeasured, then measured: latency = when the handler started, or when the worker
 * had the FETCH answer holding the job, minus when the enqueue transaction returned.
 */
final class ExternalWorkersBenchmark {

	static final int RATE = 100;

	static final int DEFAULT_JOBS = 20_000;

	static final int QUICK_JOBS = 1_000;

	static final String EXTERNAL_QUEUE = "external";

	/**
	 * The most each phase waits for the CPUs to go idle: shorter than the jobs
	 * benchmark's minute, as a run measures up to five phases.
	 */
	static final Duration IDLE_WAIT = Duration.ofSeconds(15);

	private static final String ADMIN_KEY = "bench-" + UUID.randomUUID();

	private static final PrintStream out = System.out;

	private static final JsonMapper json = JsonMapper.builder().build();

	private final BenchmarkOptions options;

	private final int jobs;

	private final int warmUpJobs;

	private final int pacedWarmUpSeconds;

	private final int latencySeconds;

	ExternalWorkersBenchmark(BenchmarkOptions options) {
		this.options = options;
		this.jobs = options.events(DEFAULT_JOBS, QUICK_JOBS);
		this.warmUpJobs = Math.max(JobsBenchmark.BATCH, this.jobs / 4);
		this.pacedWarmUpSeconds = options.quick() ? 1 : 5;
		this.latencySeconds = options.quick() ? 3 : 10;
	}

	record Run(String label, JobsBenchmark.Outcome outcome, String calls) {
	}

	void run() throws Exception {
		Attempts attempts = new Attempts(this.options);
		try (NatsServerProcess server = NatsServerProcess.start();
				TestDatabaseInstance database = TestDatabase.POSTGRESQL.create()) {
			out.println(OutboxBenchmark.environment(server.url()));
			out.println(OutboxBenchmark.loadAverage("start"));
			out.printf(Locale.ROOT,
					"%,d no-op jobs per throughput run, enqueued %d per transaction, after %,d warm-up jobs (not "
							+ "measured); latency: one job per transaction at %d jobs/s for %d s, after %d s of the "
							+ "same (not measured); one application (OJS on 127.0.0.1, worker token) on one database%n",
					this.jobs, JobsBenchmark.BATCH, this.warmUpJobs, RATE, this.latencySeconds,
					this.pacedWarmUpSeconds);
			try (ConfigurableApplicationContext context = start(server.url(), database)) {
				String baseUrl = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port")
						+ "/ojs/v1";
				JobClient client = context.getBean(JobClient.class);
				TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
				JobsBenchmarkApplication.Completions completions = context
					.getBean(JobsBenchmarkApplication.Completions.class);
				List<Run> runs = new ArrayList<>();
				String inProcessLabel = "(a) in-process @JobHandler, queue concurrency "
						+ JobsBenchmark.JETWAY_CONCURRENCY;
				JobsBenchmark.Outcome inProcess = attempts.attempt('a', inProcessLabel.substring(4), () -> {
					long before = completions.completed.get();
					return measure(database, new Enqueuer(client, transactions, JobOptions.DEFAULTS),
							() -> completions.completed.get() - before);
				});
				if (inProcess != null) {
					runs.add(new Run(inProcessLabel, inProcess, "-"));
				}
				if (this.options.runs('b')) {
					String token = mintToken(baseUrl);
					for (int workers : this.options.workers()) {
						for (int fetchCount : this.options.fetchCount()) {
							String label = String.format(Locale.ROOT,
									"(b) external, HTTP: %d worker(s), FETCH %d, ACK each", workers, fetchCount);
							HttpWorkers[] pool = new HttpWorkers[1];
							JobsBenchmark.Outcome external = attempts.attempt('b', label.substring(4), () -> {
								pool[0] = new HttpWorkers(baseUrl, token, workers, fetchCount);
								try (HttpWorkers running = pool[0]) {
									return measure(database,
											new Enqueuer(client, transactions,
													JobOptions.builder().queue(EXTERNAL_QUEUE).build()),
											running.acknowledged::get);
								}
							});
							if (external != null) {
								runs.add(new Run(label, external, pool[0].describe()));
							}
						}
					}
				}
				out.println();
				out.printf("%-56s %9s %9s %11s %11s   %s%n", "scenario", "jobs/s", "elapsed", "p50 start", "p99 start",
						"HTTP calls");
				for (Run run : runs) {
					LatencyResult latency = run.outcome().latency();
					out.printf(Locale.ROOT, "%-56s %,9.0f %8.1fs %11s %11s   %s%n", run.label(),
							run.outcome().throughput().eventsPerSecond(),
							run.outcome().throughput().elapsedNanos() / 1e9,
							(latency != null) ? OutboxBenchmark.millis(latency.p50Nanos()) : "-",
							(latency != null) ? OutboxBenchmark.millis(latency.p99Nanos()) : "-", run.calls());
				}
				out.println("start: (a) the handler started; (b) the worker had the FETCH answer with the job");
				if (inProcess != null) {
					for (Run run : runs) {
						if (run.outcome() != inProcess) {
							out.printf(Locale.ROOT, "  %-54s %.2f x in-process%n", run.label(),
									run.outcome().throughput().eventsPerSecond()
											/ inProcess.throughput().eventsPerSecond());
						}
					}
				}
			}
			out.println(OutboxBenchmark.loadAverage("end"));
			attempts.printFailures();
		}
	}

	private static ConfigurableApplicationContext start(String natsUrl, TestDatabaseInstance database) {
		return new SpringApplicationBuilder(JobsBenchmarkApplication.class).web(WebApplicationType.SERVLET)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("spring.application.name=jetway-external-workers-benchmark", "logging.level.root=WARN",
					// the WARN that producer endpoints are open: loopback only, no
					// producer calls
					"logging.level.io.jetway.jobs.ojs=ERROR",
					"spring.autoconfigure.exclude=" + JetwayOutboxScenario.MODULITH_AUTO_CONFIGURATIONS,
					"jetway.nats.servers=" + natsUrl, "spring.datasource.url=" + database.url(),
					"spring.datasource.username=" + database.username(),
					"spring.datasource.password=" + database.password(), "jetway.jdbc.initialize-schema=always",
					"jetway.jobs.queues.default.concurrency=" + JobsBenchmark.JETWAY_CONCURRENCY,
					"jetway.jobs.queues." + EXTERNAL_QUEUE + ".external=true", "jetway.jobs.ojs.enabled=true",
					"jetway.jobs.ojs.admin-key=" + ADMIN_KEY, "jetway.jobs.ojs.allow-unauthenticated-producers=true",
					"server.address=127.0.0.1", "server.port=0")
			.run();
	}

	/**
	 * @param done how many of the jobs enqueued since the start of the run have completed
	 */
	private JobsBenchmark.Outcome measure(TestDatabaseInstance database, Enqueuer enqueuer, LongSupplier done)
			throws Exception {
		int pacedWarmUp = RATE * this.pacedWarmUpSeconds;
		int latencyJobs = RATE * this.latencySeconds;
		int warm = this.warmUpJobs;
		JobProbe.reset(warm + this.jobs + pacedWarmUp + latencyJobs);
		enqueuer.inBatches(0, warm);
		await(done, warm);
		String settled = IdleMachine.settle(database.dataSource(), IDLE_WAIT);
		long start = System.nanoTime();
		enqueuer.inBatches(warm, this.jobs);
		long enqueuedAll = System.nanoTime();
		long startedByThen = JobProbe.started.get() - warm;
		long end = await(done, warm + this.jobs);
		ScenarioResult throughput = new ScenarioResult(this.jobs, end - start);
		out.printf(Locale.ROOT,
				"  throughput %,.0f jobs/s%s (the producer enqueued them in %.2f s, when %,d had started); "
						+ "paced latency run ...%n",
				throughput.eventsPerSecond(), settled, (enqueuedAll - start) / 1e9, startedByThen);
		long first = warm + this.jobs;
		enqueuer.paced(first, pacedWarmUp);
		await(done, first + pacedWarmUp);
		first += pacedWarmUp;
		IdleMachine.settle(database.dataSource(), IDLE_WAIT);
		long pacedStart = System.nanoTime();
		long[] enqueued = enqueuer.paced(first, latencyJobs);
		double achieved = latencyJobs * 1e9 / (System.nanoTime() - pacedStart);
		await(done, first + latencyJobs);
		long[] latencies = new long[latencyJobs];
		long[] started = JobProbe.startTimes;
		for (int i = 0; i < latencyJobs; i++) {
			latencies[i] = Math.max(0, started[(int) first + i] - enqueued[i]);
		}
		LatencyResult latency = LatencyResult.of(1, 1000 / RATE, latencies, achieved);
		out.printf(Locale.ROOT, "  paced producer achieved %,.0f jobs/s; start p50 %s, p99 %s, max %s%n", achieved,
				OutboxBenchmark.millis(latency.p50Nanos()), OutboxBenchmark.millis(latency.p99Nanos()),
				OutboxBenchmark.millis(latency.maxNanos()));
		return new JobsBenchmark.Outcome(throughput, latency);
	}

	/**
	 * @return when {@code expected} jobs were seen completed (polled every 10 ms)
	 */
	private static long await(LongSupplier done, long expected) throws TimeoutException {
		long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
		while (done.getAsLong() < expected) {
			if (System.nanoTime() > deadline) {
				throw new TimeoutException(done.getAsLong() + " of " + expected + " jobs completed in 5 minutes ("
						+ JobProbe.started.get() + " started)");
			}
			LockSupport.parkNanos(10_000_000);
		}
		return System.nanoTime();
	}

	/** Mints a worker token for the external queue through the admin endpoint. */
	private static String mintToken(String baseUrl) throws Exception {
		HttpResponse<String> minted = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/worker-tokens"))
				.header("Content-Type", "application/json")
				.header("X-Jetway-Admin-Key", ADMIN_KEY)
				.POST(HttpRequest.BodyPublishers
					.ofString("{\"name\":\"bench\",\"queues\":[\"" + EXTERNAL_QUEUE + "\"]}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		if (minted.statusCode() != 201) {
			throw new IllegalStateException(
					"Minting a worker token answered " + minted.statusCode() + ": " + minted.body());
		}
		return json.readTree(minted.body()).path("token").asString();
	}

	/** Enqueues the no-op jobs of one run with {@code JobClient}. */
	private record Enqueuer(JobClient client, TransactionTemplate transactions, JobOptions jobOptions) {

		void enqueue(long first, int count) {
			this.transactions.executeWithoutResult((status) -> {
				for (long seq = first; seq < first + count; seq++) {
					this.client.enqueue("noop", Map.of("seq", seq), this.jobOptions);
				}
			});
		}

		void inBatches(long first, int count) {
			for (long next = first; next < first + count; next += JobsBenchmark.BATCH) {
				enqueue(next, (int) Math.min(JobsBenchmark.BATCH, first + count - next));
			}
		}

		/**
		 * One job per transaction at {@value #RATE} jobs/s.
		 * @return when each enqueue transaction returned
		 */
		long[] paced(long first, int count) {
			long[] enqueued = new long[count];
			long interval = 1_000_000_000L / RATE;
			long pacedStart = System.nanoTime() + 10_000_000;
			for (int i = 0; i < count; i++) {
				long due = pacedStart + i * interval;
				for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
					LockSupport.parkNanos(due - now);
				}
				enqueue(first + i, 1);
				enqueued[i] = System.nanoTime();
			}
			return enqueued;
		}

	}

	/**
	 * Worker threads, each looping: FETCH up to {@code count} jobs of the external queue,
	 * record each job's start ({@link JobProbe}), ACK each with its lease token. Any
	 * answer but 200 is counted and reported; the run fails when one was not 200.
	 */
	static final class HttpWorkers implements AutoCloseable {

		final AtomicLong acknowledged = new AtomicLong();

		private final AtomicLong fetches = new AtomicLong();

		private final AtomicLong emptyFetches = new AtomicLong();

		private final AtomicLong fetched = new AtomicLong();

		private final AtomicLong acks = new AtomicLong();

		private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

		private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

		private final String baseUrl;

		private final String token;

		private final int count;

		private final List<Thread> threads = new ArrayList<>();

		private volatile boolean running = true;

		HttpWorkers(String baseUrl, String token, int workers, int count) {
			this.baseUrl = baseUrl;
			this.token = token;
			this.count = count;
			for (int i = 0; i < workers; i++) {
				String workerId = "bench-worker-" + i;
				Thread thread = new Thread(() -> loop(workerId), workerId);
				thread.setDaemon(true);
				thread.start();
				this.threads.add(thread);
			}
		}

		private void loop(String workerId) {
			String fetch = "{\"queues\":[\"" + EXTERNAL_QUEUE + "\"],\"count\":" + this.count + ",\"worker_id\":\""
					+ workerId + "\",\"visibility_timeout_ms\":60000}";
			while (this.running) {
				try {
					HttpResponse<String> answer = post("/workers/fetch", fetch);
					this.fetches.incrementAndGet();
					if (answer.statusCode() != 200) {
						failed("FETCH", answer);
						LockSupport.parkNanos(10_000_000);
						continue;
					}
					JsonNode jobs = json.readTree(answer.body()).path("jobs");
					if (jobs.isEmpty()) {
						this.emptyFetches.incrementAndGet();
					}
					for (JsonNode job : jobs) {
						JobProbe.started(JobProbe.sequence(job.path("args").toString()));
					}
					this.fetched.addAndGet(jobs.size());
					for (JsonNode job : jobs) {
						HttpResponse<String> ack = post("/workers/ack",
								"{\"job_id\":\"" + job.path("id").asString() + "\",\"lease_token\":\""
										+ job.path("lease").path("token").asString() + "\",\"result\":{\"ok\":true}}");
						this.acks.incrementAndGet();
						if (ack.statusCode() == 200) {
							this.acknowledged.incrementAndGet();
						}
						else {
							failed("ACK", ack);
						}
					}
				}
				catch (InterruptedException ex) {
					return;
				}
				catch (Exception ex) {
					this.failures.computeIfAbsent(ex.toString(), (key) -> new AtomicLong()).incrementAndGet();
					LockSupport.parkNanos(10_000_000);
				}
			}
		}

		private void failed(String call, HttpResponse<String> answer) {
			String body = answer.body();
			this.failures
				.computeIfAbsent(
						call + " " + answer.statusCode() + " " + body.substring(0, Math.min(300, body.length())),
						(key) -> new AtomicLong())
				.incrementAndGet();
		}

		private HttpResponse<String> post(String path, String body) throws Exception {
			return this.http.send(HttpRequest.newBuilder(URI.create(this.baseUrl + path))
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/openjobspec+json")
				.header("Authorization", "Bearer " + this.token)
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		}

		/** What the workers did: calls, jobs per FETCH, failures. */
		String describe() {
			long nonEmpty = this.fetches.get() - this.emptyFetches.get();
			return String.format(Locale.ROOT, "%,d FETCH (%,d empty, %.1f jobs per other), %,d ACK%s",
					this.fetches.get(), this.emptyFetches.get(),
					(nonEmpty > 0) ? (double) this.fetched.get() / nonEmpty : 0.0, this.acks.get(),
					this.failures.isEmpty() ? "" : ", FAILURES: " + this.failures);
		}

		@Override
		public void close() throws Exception {
			this.running = false;
			for (Thread thread : this.threads) {
				thread.join(Duration.ofSeconds(35).toMillis());
			}
			out.println("  workers: " + describe());
			if (!this.failures.isEmpty()) {
				throw new IllegalStateException("External workers got answers other than 200: " + this.failures);
			}
		}

	}

}
