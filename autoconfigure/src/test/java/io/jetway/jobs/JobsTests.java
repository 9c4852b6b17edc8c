package io.jetway.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.consumer.ConsumerAutoConfiguration;
import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.consumer.NonRetryableException;
import io.jetway.inbox.InboxAutoConfiguration;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.publish.PublishAutoConfiguration;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.topology.TopologyAutoConfiguration;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Background jobs against real NATS and a real database.
 */
class JobsTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, NatsConnectionAutoConfiguration.class,
			TopologyAutoConfiguration.class, JetwayJdbcAutoConfiguration.class, OutboxAutoConfiguration.class,
			PublishAutoConfiguration.class, InboxAutoConfiguration.class, ConsumerAutoConfiguration.class,
			JobsAutoConfiguration.class);

	static ApplicationContextRunner contextRunner(TestDatabaseInstance database, String natsUrl) {
		return contextRunner(database.url(), database.username(), database.password(), natsUrl);
	}

	static ApplicationContextRunner contextRunner(String jdbcUrl, String username, String password, String natsUrl) {
		return new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS)
			.withUserConfiguration(TestHandlers.class)
			.withPropertyValues("spring.datasource.url=" + jdbcUrl, "spring.datasource.username=" + username,
					"spring.datasource.password=" + password, "jetway.nats.servers=" + natsUrl,
					"jetway.jdbc.initialize-schema=always", "jetway.outbox.relay.poll-interval=100ms",
					"jetway.jobs.poll-interval=100ms", "jetway.jobs.defaults.max-attempts=3",
					"jetway.jobs.defaults.backoff.initial=100ms", "jetway.jobs.defaults.backoff.multiplier=1",
					"jetway.jobs.defaults.backoff.max=100ms", "jetway.jobs.defaults.backoff.jitter=0",
					"jetway.listener.shutdown-timeout=10s");
	}

	static void reset(TestDatabaseInstance database, String natsUrl) throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		for (String table : new String[] { "jetway_jobs", "jetway_outbox", "jetway_job_queues", "jetway_job_schedules",
				"jetway_job_dispatch" }) {
			try {
				jdbc.update("DELETE FROM " + table);
			}
			catch (RuntimeException ex) {
				// created by the first context
			}
		}
		try (Connection connection = Nats.connect(natsUrl)) {
			JetStreamManagement management = connection.jetStreamManagement();
			for (String stream : management.getStreamNames()) {
				management.deleteStream(stream);
			}
		}
		TestHandlers.reset();
	}

	private TestDatabaseInstance database(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		reset(database, nats.url());
		return database;
	}

	@BeforeEach
	void clearHandlers() {
		TestHandlers.reset();
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void enqueuedJobCompletesWithItsResult(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = jobs.enqueue("greet", new TestHandlers.Greeting("Ada"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
			JobStatus status = jobs.status(id).orElseThrow();
			assertThat(status.result()).isEqualTo("{\"text\":\"Hello, Ada\"}");
			assertThat(status.attempts()).isEqualTo(1);
			assertThat(status.type()).isEqualTo("greet");
			assertThat(status.queue()).isEqualTo("default");
			assertThat(status.startedAt()).isNotNull();
			assertThat(status.completedAt()).isAfterOrEqualTo(status.startedAt());
			assertThat(status.progress()).isEqualTo(1.0);
			assertThat(status.progressMessage()).isEqualTo("greeting");
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void rolledBackEnqueueLeavesNoJob(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID[] id = new UUID[1];
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				id[0] = jobs.enqueue("greet", new TestHandlers.Greeting("nobody"));
				status.setRollbackOnly();
			});
			UUID committed = jobs.enqueue("greet", new TestHandlers.Greeting("somebody"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(committed).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
			assertThat(jobs.status(id[0])).isEmpty();
			assertThat(TestHandlers.greeted).containsExactly("somebody");
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void jobsEnqueuedInATransactionAreVisibleToItsReadsAndCommitTogether(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			List<UUID> ids = new ArrayList<>();
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				for (int i = 0; i < 50; i++) {
					ids.add(jobs.enqueue("greet", new TestHandlers.Greeting("batch-" + i)));
				}
				// job rows are written in one batch before the commit; reads see them
				// earlier
				assertThat(jobs.status(ids.get(49)))
					.hasValueSatisfying((job) -> assertThat(job.status()).isEqualTo(JobState.PENDING));
				assertThat(jobs.list("default", JobState.PENDING, 0, 100)).hasSize(50);
				ids.add(jobs.enqueue("greet", new TestHandlers.Greeting("after-the-read")));
			});
			await().atMost(Duration.ofSeconds(20))
				.until(() -> ids.stream()
					.allMatch((id) -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED));
			assertThat(TestHandlers.greeted).hasSize(51).contains("after-the-read", "batch-0", "batch-49");
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void findsJobsByQueueTypeStateAndCreationTimeNewestFirst(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			JobOptions later = JobOptions.builder().delay(Duration.ofHours(1)).build();
			Instant before = Instant.now().minusSeconds(1);
			UUID first = jobs.enqueue("greet", new TestHandlers.Greeting("first"), later);
			UUID second = jobs.enqueue("greet", new TestHandlers.Greeting("second"), later);
			UUID flaky = jobs.enqueue("flaky", Map.of("failures", 0), later);
			assertThat(ids(jobs.find(new JobQuery(null, "greet", null, null, null), 0, 10))).containsExactly(second,
					first);
			assertThat(ids(jobs.find(new JobQuery("default", "flaky", JobState.SCHEDULED, before, null), 0, 10)))
				.containsExactly(flaky);
			assertThat(jobs.find(new JobQuery(null, null, JobState.PENDING, null, null), 0, 10)).isEmpty();
			assertThat(jobs.find(new JobQuery(null, null, null, Instant.now().plusSeconds(60), null), 0, 10)).isEmpty();
			assertThat(jobs.find(new JobQuery(null, null, null, null, before), 0, 10)).isEmpty();
			assertThat(ids(jobs.find(JobQuery.ALL, 1, 1))).containsExactly(second);
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void runsAScheduledJobNow(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = jobs.enqueue("greet", new TestHandlers.Greeting("early"),
					JobOptions.builder().delay(Duration.ofHours(1)).build());
			assertThat(jobs.runNow(id)).isTrue();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
			assertThat(TestHandlers.greeted).containsExactly("early");
			// only a scheduled job is run now
			assertThat(jobs.runNow(id)).isFalse();
			assertThat(jobs.runNow(UUID.randomUUID())).isFalse();
		});
	}

	private static List<UUID> ids(List<JobStatus> jobs) {
		return jobs.stream().map(JobStatus::id).toList();
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void failingTwiceThenSucceedingCompletesOnTheThirdAttempt(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = jobs.enqueue("flaky", Map.of("failures", 2));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
			assertThat(jobs.status(id).orElseThrow().attempts()).isEqualTo(3);
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void alwaysFailingJobFailsAfterMaxAttemptsWithTheError(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = jobs.enqueue("flaky", Map.of("failures", 99));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.FAILED);
			JobStatus status = jobs.status(id).orElseThrow();
			assertThat(status.attempts()).isEqualTo(3);
			assertThat(status.error()).contains("IllegalStateException").contains("failure 3");
			// listed by the partial index on error (PostgreSQL), which every failed job
			// is in
			assertThat(jobs.list(status.queue(), JobState.FAILED, 0, 20)).extracting(JobStatus::id).containsExactly(id);
			assertThat(TestHandlers.flakyCalls.get()).isEqualTo(3);
			assertThat(jobs.retry(id)).isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> TestHandlers.flakyCalls.get() == 6);
		});
	}

	@Test
	void nonRetryableFailureFailsAfterOneAttempt() throws Exception {
		TestDatabaseInstance database = database(TestDatabase.H2);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = jobs.enqueue("reject", "bad input");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.FAILED);
			assertThat(jobs.status(id).orElseThrow().attempts()).isEqualTo(1);
			assertThat(jobs.status(id).orElseThrow().error()).contains("NonRetryableException");
		});
	}

	@Test
	void attemptThatTimesOutIsRetried() throws Exception {
		TestDatabaseInstance database = database(TestDatabase.H2);
		contextRunner(database, nats.url())
			.withPropertyValues("jetway.jobs.queues.slow.timeout=300ms",
					"jetway.jobs.queues.slow.backoff.initial=100ms", "jetway.jobs.queues.slow.backoff.max=100ms")
			.run((context) -> {
				JobClient jobs = context.getBean(JobClient.class);
				UUID id = jobs.enqueue("slow-once", "x");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
				JobStatus status = jobs.status(id).orElseThrow();
				assertThat(status.attempts()).isEqualTo(2);
				assertThat(TestHandlers.interrupted.get()).isEqualTo(1);
			});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void delayedJobStartsWithinOneSecondAfterItsTime(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			Instant due = Instant.now().plusSeconds(2);
			UUID id = jobs.enqueue("greet", new TestHandlers.Greeting("later"),
					JobOptions.builder().runAt(due).build());
			assertThat(jobs.status(id).orElseThrow().status()).isEqualTo(JobState.SCHEDULED);
			await().atMost(Duration.ofSeconds(6))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
			Instant started = jobs.status(id).orElseThrow().startedAt();
			assertThat(started).isAfterOrEqualTo(due).isBefore(due.plusSeconds(1));
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL", "MARIADB" })
	void concurrentEnqueuesWithOneIdempotencyKeyMakeOneJob(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		var runner = contextRunner(database, nats.url());
		runner.run((first) -> runner.run((second) -> {
			Set<UUID> ids = ConcurrentHashMap.newKeySet();
			CountDownLatch go = new CountDownLatch(1);
			List<Thread> threads = new CopyOnWriteArrayList<>();
			for (int i = 0; i < 8; i++) {
				JobClient jobs = ((i % 2) == 0 ? first : second).getBean(JobClient.class);
				Thread thread = new Thread(() -> {
					try {
						go.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					ids.add(jobs.enqueue("greet", new TestHandlers.Greeting("once"),
							JobOptions.builder().idempotencyKey("welcome-42").build()));
				});
				threads.add(thread);
				thread.start();
			}
			go.countDown();
			for (Thread thread : threads) {
				thread.join(10_000);
			}
			assertThat(ids).hasSize(1);
			UUID id = ids.iterator().next();
			JobClient jobs = first.getBean(JobClient.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
			assertThat(new JdbcTemplate(database.dataSource()).queryForObject("SELECT COUNT(*) FROM jetway_jobs",
					Long.class))
				.isEqualTo(1);
			assertThat(TestHandlers.greeted).containsExactly("once");
		}));
	}

	@Test
	void cancelledJobNeverRuns() throws Exception {
		TestDatabaseInstance database = database(TestDatabase.H2);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = jobs.enqueue("greet", new TestHandlers.Greeting("cancelled"),
					JobOptions.builder().delay(Duration.ofSeconds(1)).build());
			assertThat(jobs.cancel(id)).isTrue();
			assertThat(jobs.cancel(id)).isFalse();
			UUID marker = jobs.enqueue("greet", new TestHandlers.Greeting("marker"),
					JobOptions.builder().delay(Duration.ofMillis(1500)).build());
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(marker).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
			assertThat(jobs.status(id).orElseThrow().status()).isEqualTo(JobState.CANCELLED);
			assertThat(TestHandlers.greeted).containsExactly("marker");
		});
	}

	@Test
	void pausedQueueStartsNothingUntilResumed() throws Exception {
		TestDatabaseInstance database = database(TestDatabase.H2);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			jobs.pause("default");
			assertThat(jobs.isPaused("default")).isTrue();
			UUID id = jobs.enqueue("greet", new TestHandlers.Greeting("paused"));
			await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
			assertThat(jobs.status(id).orElseThrow().status()).isEqualTo(JobState.PENDING);
			jobs.resume("default");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void cronFiresOncePerTickAcrossTwoInstances(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		var runner = contextRunner(database, nats.url())
			.withPropertyValues("jetway.jobs.schedules.tick.cron=* * * * * *", "jetway.jobs.schedules.tick.type=tick");
		runner.run((first) -> runner.run((second) -> {
			await().atMost(Duration.ofSeconds(10)).until(() -> TestHandlers.ticks.get() >= 4);
			first.getBean(JobScheduler.class).stop();
			second.getBean(JobScheduler.class).stop();
			List<String> keys = new JdbcTemplate(database.dataSource())
				.queryForList("SELECT idempotency_key FROM jetway_jobs WHERE type = 'tick'", String.class);
			assertThat(keys).doesNotHaveDuplicates().allMatch((key) -> key.startsWith("cron:tick:"));
			Set<Long> seconds = new java.util.HashSet<>();
			for (String key : keys) {
				seconds.add(Instant.parse(key.substring("cron:tick:".length())).getEpochSecond());
			}
			assertThat(seconds).hasSameSizeAs(keys);
		}));
	}

	@Test
	void progressAndLifecycleEventsArePublishedOnCoreNats() throws Exception {
		TestDatabaseInstance database = database(TestDatabase.H2);
		contextRunner(database, nats.url()).run((context) -> {
			Connection connection = context.getBean(Connection.class);
			Subscription events = connection.subscribe("jetway.jobs.events.>");
			Subscription progress = connection.subscribe("jetway.jobs.progress.>");
			connection.flush(Duration.ofSeconds(1));
			UUID id = context.getBean(JobClient.class).enqueue("greet", new TestHandlers.Greeting("events"));
			List<String> states = new CopyOnWriteArrayList<>();
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				Message message = events.nextMessage(Duration.ofMillis(100));
				if (message != null && new String(message.getData(), StandardCharsets.UTF_8).contains(id.toString())) {
					states.add(message.getSubject());
				}
				return states.contains("jetway.jobs.events.completed");
			});
			assertThat(states).containsExactly("jetway.jobs.events.pending", "jetway.jobs.events.running",
					"jetway.jobs.events.completed");
			Message update = progress.nextMessage(Duration.ofSeconds(2));
			assertThat(update.getSubject()).isEqualTo("jetway.jobs.progress." + id);
			assertThat(new String(update.getData(), StandardCharsets.UTF_8)).contains("greeting");
		});
	}

	@Test
	void badInputIsRefusedAtEnqueue() throws Exception {
		TestDatabaseInstance database = database(TestDatabase.H2);
		contextRunner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			assertThatIllegalArgumentException().isThrownBy(() -> jobs.enqueue("nope", "x"))
				.withMessageContaining("'nope'")
				.withMessageContaining("greet");
			assertThatIllegalArgumentException().isThrownBy(() -> jobs.enqueue("greet", new Unserializable()))
				.withMessageContaining("cannot be serialized");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> jobs.enqueue("greet", new TestHandlers.Greeting("x"),
						JobOptions.builder().queue("two words").build()))
				.withMessageContaining("'two words'")
				.withMessageContaining("JobOptions.queue");
			assertThat(new JdbcTemplate(database.dataSource()).queryForObject("SELECT COUNT(*) FROM jetway_jobs",
					Long.class))
				.isZero();
		});
	}

	@Test
	void twoHandlersForOneTypeFailStartup() throws Exception {
		TestDatabaseInstance database = database(TestDatabase.H2);
		contextRunner(database, nats.url()).withUserConfiguration(DuplicateGreeter.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Job type 'greet' has two @JobHandler methods"));
	}

	public static class Unserializable {

		public String getValue() {
			throw new IllegalStateException("no");
		}

	}

	static class DuplicateGreeter {

		@JobHandler(type = "greet")
		String greet(String name) {
			return name;
		}

	}

	static class TestHandlers {

		static final List<String> greeted = new CopyOnWriteArrayList<>();

		static final AtomicInteger flakyCalls = new AtomicInteger();

		static final AtomicInteger interrupted = new AtomicInteger();

		static final AtomicInteger slowCalls = new AtomicInteger();

		static final AtomicInteger ticks = new AtomicInteger();

		static void reset() {
			greeted.clear();
			flakyCalls.set(0);
			interrupted.set(0);
			slowCalls.set(0);
			ticks.set(0);
		}

		record Greeting(String name) {
		}

		record Greeted(String text) {
		}

		@JobHandler(type = "greet")
		Greeted greet(Greeting greeting, JobContext context) {
			context.progress(0.5, "greeting");
			greeted.add(greeting.name());
			return new Greeted("Hello, " + greeting.name());
		}

		@JobHandler(type = "flaky")
		void flaky(Map<String, Integer> settings, JobContext context) {
			int call = flakyCalls.incrementAndGet();
			if (context.attempt() <= settings.get("failures")) {
				throw new IllegalStateException("failure " + context.attempt() + " (call " + call + ")");
			}
		}

		@JobHandler(type = "reject")
		void reject(String input) {
			throw new NonRetryableException("cannot handle " + input);
		}

		@JobHandler(type = "slow-once", queue = "slow")
		void slowOnce(String input) {
			if (slowCalls.incrementAndGet() == 1) {
				try {
					new CountDownLatch(1).await();
				}
				catch (InterruptedException ex) {
					interrupted.incrementAndGet();
					Thread.currentThread().interrupt();
				}
			}
		}

		@JobHandler(type = "tick")
		void tick(Map<String, Object> payload) {
			ticks.incrementAndGet();
		}

	}

}
