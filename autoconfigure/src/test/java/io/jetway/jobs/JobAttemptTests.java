package io.jetway.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.jetway.jobs.JobRepository.ClaimedJob;
import io.jetway.jobs.JobRepository.NewJob;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attempts that are taken over: they count against max-attempts, a handler that ignores
 * its timeout gives up its slot, and a stale attempt never changes the job (a
 * transactional handler's effects roll back with it).
 */
class JobAttemptTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@AfterEach
	void releaseHandlers() {
		AttemptHandlers.release.countDown();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aTakeOverPastMaxAttemptsFailsTheJobInsteadOfRunningItAgain(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		JobsTests.reset(database, nats.url());
		JobsTests.contextRunner(database, nats.url()).run((context) -> {
			JobRepository repository = context.getBean(JobRepository.class);
			Instant now = Instant.now();
			UUID id = UUID.randomUUID();
			repository.insert(new NewJob(id, "greet", "nobody-works-here", JobState.PENDING, 2, "{}", null, null, now,
					now, false));
			assertThat(repository.claim(Map.of(id, 7L), now).get(0).attempt()).isEqualTo(1);
			// its worker died: the redelivery takes it over as attempt 2
			ClaimedJob second = repository.claim(Map.of(id, 7L), now).get(0);
			assertThat(second.claimed()).isTrue();
			assertThat(second.attempt()).isEqualTo(2);
			// attempt 2's worker died too: max-attempts 2 is reached
			ClaimedJob third = repository.claim(Map.of(id, 7L), now).get(0);
			assertThat(third.claimed()).isFalse();
			assertThat(third.state()).isEqualTo(JobState.FAILED);
			JobStatus status = repository.findById(id).orElseThrow();
			assertThat(status.status()).isEqualTo(JobState.FAILED);
			assertThat(status.attempts()).isEqualTo(2);
			assertThat(status.completedAt()).isNotNull();
			assertThat(status.error()).contains("attempt 2 was abandoned").contains("max-attempts 2 is reached");
			// a later redelivery changes nothing
			assertThat(repository.claim(Map.of(id, 7L), now).get(0).claimed()).isFalse();
			assertThat(repository.findById(id).orElseThrow().attempts()).isEqualTo(2);
		});
	}

	@Test
	void aHandlerThatIgnoresItsTimeoutGivesUpItsSlotAndItsLateOutcomeIsReportedStale() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		AttemptHandlers.reset();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		runner(database)
			.withPropertyValues("jetway.jobs.queues.attempts.concurrency=1",
					"jetway.jobs.queues.attempts.timeout=300ms", "jetway.jobs.queues.attempts.ack-wait=1s")
			.run((context) -> {
				context.getBean(JobMetrics.class).bindTo(registry);
				JobClient jobs = context.getBean(JobClient.class);
				UUID hung = jobs.enqueue("ignore-timeout", "first");
				assertThat(AttemptHandlers.started.await(10, TimeUnit.SECONDS)).isTrue();
				List<UUID> others = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					others.add(jobs.enqueue("ignore-timeout", "other"));
				}
				// the one slot of this queue is held by a thread that ignores its
				// interrupt; the other jobs run once the slot is released
				await().atMost(Duration.ofSeconds(15))
					.until(() -> others.stream().allMatch((id) -> state(jobs, id) == JobState.COMPLETED));
				// and the abandoned job itself is taken over after the ack wait
				await().atMost(Duration.ofSeconds(15)).until(() -> state(jobs, hung) == JobState.COMPLETED);
				assertThat(jobs.status(hung).orElseThrow().attempts()).isEqualTo(2);
				// the first attempt returns at last: its outcome is stale
				AttemptHandlers.release.countDown();
				await().atMost(Duration.ofSeconds(10)).until(() -> staleAttempts(registry) == 1.0);
				assertThat(jobs.status(hung).orElseThrow().status()).isEqualTo(JobState.COMPLETED);
			});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB", "H2" })
	void aStaleAttemptOfATransactionalHandlerRollsBackItsEffects(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		staleAttempt(database, "effect-in-transaction", 0);
	}

	@Test
	void aStaleAttemptOfAPlainHandlerKeepsItsEffectsAndIsReported() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		staleAttempt(database, "effect", 1);
	}

	/**
	 * Attempt 1 writes its effect and waits; meanwhile the job is taken over by attempt 2
	 * (the claim a redelivery of its message makes after the worker lost its delivery);
	 * then attempt 1 returns.
	 */
	private void staleAttempt(TestDatabaseInstance database, String jobType, int effectsOfTheStaleAttempt)
			throws Exception {
		JobsTests.reset(database, nats.url());
		AttemptHandlers.reset();
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		jdbc.execute("DROP TABLE IF EXISTS job_effects");
		jdbc.execute("CREATE TABLE job_effects (job_id VARCHAR(36) NOT NULL, attempt INTEGER NOT NULL)");
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		runner(database).run((context) -> {
			context.getBean(JobMetrics.class).bindTo(registry);
			JobClient jobs = context.getBean(JobClient.class);
			JobRepository repository = context.getBean(JobRepository.class);
			UUID id = jobs.enqueue(jobType, "x");
			assertThat(AttemptHandlers.started.await(10, TimeUnit.SECONDS)).isTrue();
			Long sequence = jdbc.queryForObject("SELECT claim_seq FROM jetway_jobs WHERE queue = 'attempts'",
					Long.class);
			ClaimedJob takeOver = repository.claim(Map.of(id, sequence), Instant.now()).get(0);
			assertThat(takeOver.claimed()).isTrue();
			assertThat(takeOver.attempt()).isEqualTo(2);
			AttemptHandlers.release.countDown();
			await().atMost(Duration.ofSeconds(10)).until(() -> staleAttempts(registry) == 1.0);
			JobStatus status = jobs.status(id).orElseThrow();
			assertThat(status.status()).isEqualTo(JobState.RUNNING);
			assertThat(status.attempts()).isEqualTo(2);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM job_effects WHERE attempt = 1", Integer.class))
				.isEqualTo(effectsOfTheStaleAttempt);
		});
	}

	private static ApplicationContextRunner runner(TestDatabaseInstance database) {
		return JobsTests.contextRunner(database, nats.url())
			.withUserConfiguration(AttemptHandlers.class)
			.withPropertyValues("jetway.jobs.queues.attempts.max-attempts=3");
	}

	private static JobState state(JobClient jobs, UUID id) {
		return jobs.status(id).map(JobStatus::status).orElse(null);
	}

	private static double staleAttempts(SimpleMeterRegistry registry) {
		Timer stale = registry.find("jetway.jobs.attempts").tag("outcome", "stale").timer();
		return (stale != null) ? stale.count() : 0;
	}

	static class AttemptHandlers {

		static volatile CountDownLatch started = new CountDownLatch(1);

		static volatile CountDownLatch release = new CountDownLatch(1);

		private final JdbcTemplate jdbc;

		AttemptHandlers(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		static void reset() {
			started = new CountDownLatch(1);
			release = new CountDownLatch(1);
		}

		/** The first attempt of the first job blocks and ignores every interrupt. */
		@JobHandler(type = "ignore-timeout", queue = "attempts")
		void ignoreTimeout(String input, JobContext context) {
			if (input.contains("first") && context.attempt() == 1) {
				started.countDown();
				awaitIgnoringInterrupts(release);
			}
		}

		@JobHandler(type = "effect", queue = "attempts")
		void effect(String input, JobContext context) {
			writeEffectThenWait(context);
		}

		@JobHandler(type = "effect-in-transaction", queue = "attempts", transactional = true)
		void effectInTransaction(String input, JobContext context) {
			writeEffectThenWait(context);
		}

		private void writeEffectThenWait(JobContext context) {
			this.jdbc.update("INSERT INTO job_effects (job_id, attempt) VALUES (?, ?)", context.id().toString(),
					context.attempt());
			if (context.attempt() == 1) {
				started.countDown();
				awaitIgnoringInterrupts(release);
			}
		}

		private static void awaitIgnoringInterrupts(CountDownLatch latch) {
			while (true) {
				try {
					latch.await();
					return;
				}
				catch (InterruptedException ex) {
					// ignored on purpose
				}
			}
		}

	}

}
