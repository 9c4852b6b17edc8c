package io.jetway.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.jdbc.DatabaseType;
import io.jetway.jobs.JobRepository.AttemptOutcome;
import io.jetway.jobs.JobRepository.ClaimedJob;
import io.jetway.jobs.JobRepository.NewJob;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.StreamContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.jobs.JobsTests.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs when workers die or fall behind.
 */
class JobFaultTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void jobOfAWorkerThatStopsMidJobIsRedeliveredAndCompletedOnce(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		JobsTests.reset(database, nats.url());
		BlockingHandler.reset();
		var runner = contextRunner(database, nats.url()).withUserConfiguration(BlockingHandler.class)
			.withPropertyValues("jetway.listener.shutdown-timeout=200ms", "jetway.jobs.queues.blocking.ack-wait=2s");
		UUID[] id = new UUID[1];
		runner.run((context) -> {
			id[0] = context.getBean(JobClient.class).enqueue("block-first", "x");
			await().atMost(Duration.ofSeconds(10)).until(() -> BlockingHandler.calls.get() == 1);
			// the context closes now, while the first attempt blocks
		});
		assertThat(BlockingHandler.completions.get()).isZero();
		runner.run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			await().atMost(Duration.ofSeconds(15))
				.until(() -> jobs.status(id[0]).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
			// the stop's interrupt spent no attempt: handed back with its claim taken
			// back
			assertThat(jobs.status(id[0]).orElseThrow().attempts()).isEqualTo(1);
		});
		assertThat(BlockingHandler.completions.get()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class)
	void staleAttemptCannotCompleteAJobANewerAttemptOwns(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		JobsTests.reset(database, nats.url());
		contextRunner(database, nats.url()).run((context) -> {
			JobRepository repository = context.getBean(JobRepository.class);
			Instant now = Instant.now();
			UUID id = insertJobNoWorkerTakes(repository, now);
			ClaimedJob first = repository.claim(Map.of(id, 7L), now).get(0);
			// a second copy of the job's message (another stream sequence) does not
			// take the job over
			ClaimedJob copy = repository.claim(Map.of(id, 9L), now).get(0);
			// a redelivery of the message that claimed it, after the first attempt's
			// worker lost it, does
			ClaimedJob second = repository.claim(Map.of(id, 7L), now).get(0);
			assertThat(first.claimed()).isTrue();
			assertThat(first.attempt()).isEqualTo(1);
			assertThat(copy.claimed()).isFalse();
			assertThat(copy.state()).isEqualTo(JobState.RUNNING);
			assertThat(copy.attempt()).isEqualTo(1);
			assertThat(second.claimed()).isTrue();
			assertThat(second.attempt()).isEqualTo(2);
			boolean[] stale = repository
				.finish(List.of(new AttemptOutcome(id, 1, JobState.COMPLETED, "\"stale\"", null, null)), now);
			assertThat(stale).containsExactly(false);
			assertThat(repository.findById(id).orElseThrow().status()).isEqualTo(JobState.RUNNING);
			boolean[] current = repository
				.finish(List.of(new AttemptOutcome(id, 2, JobState.COMPLETED, "\"current\"", null, null)), now);
			assertThat(current).containsExactly(true);
			assertThat(repository.findById(id).orElseThrow().result()).isEqualTo("\"current\"");
			boolean[] late = repository.finish(List.of(new AttemptOutcome(id, 2, JobState.FAILED, null, "late", null)),
					now);
			assertThat(late).containsExactly(false);
			assertThat(repository.findById(id).orElseThrow().status()).isEqualTo(JobState.COMPLETED);
			assertThat(context.getBean(DatabaseType.class)).isNotNull();
			assertThat(new JdbcTemplate(database.dataSource())
				.queryForObject("SELECT attempts FROM jetway_jobs WHERE queue = 'nobody-works-here'", Integer.class))
				.isEqualTo(2);
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class)
	void aCopyOfAJobMessageAndTheOriginalNeverRunTheJobTwiceAtOnce(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		JobsTests.reset(database, nats.url());
		contextRunner(database, nats.url()).run((context) -> {
			JobRepository repository = context.getBean(JobRepository.class);
			Instant now = Instant.now();
			UUID id = insertJobNoWorkerTakes(repository, now);
			assertThat(repository.claim(Map.of(id, 7L), now).get(0).claimed()).isTrue();
			// attempt 1 fails; its message (sequence 7) waits for the retry delay
			assertThat(repository
				.finish(List.of(new AttemptOutcome(id, 1, JobState.PENDING, null, "boom", now.plusSeconds(5))), now))
				.containsExactly(true);
			// a copy (sequence 9) that arrives before the retry is due does not skip the
			// backoff
			ClaimedJob early = repository.claim(Map.of(id, 9L), now).get(0);
			assertThat(early.claimed()).isFalse();
			assertThat(early.state()).isEqualTo(JobState.PENDING);
			// once due, the copy comes first and runs attempt 2
			Instant due = now.plusSeconds(5);
			ClaimedJob byCopy = repository.claim(Map.of(id, 9L), due).get(0);
			assertThat(byCopy.claimed()).isTrue();
			assertThat(byCopy.attempt()).isEqualTo(2);
			// the original's redelivery for the retry does not take attempt 2 over
			ClaimedJob byOriginal = repository.claim(Map.of(id, 7L), due).get(0);
			assertThat(byOriginal.claimed()).isFalse();
			assertThat(byOriginal.state()).isEqualTo(JobState.RUNNING);
			assertThat(byOriginal.attempt()).isEqualTo(2);
			assertThat(byOriginal.claimSeq()).isEqualTo(9L);
			// the copy's own redelivery (its worker stopped) does
			assertThat(repository.claim(Map.of(id, 9L), due).get(0).attempt()).isEqualTo(3);
		});
	}

	@Test
	void claimsThatFailFreeTheirSlotsAndTheJobsRunOnceTheDatabaseIsBack() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		JdbcTemplate admin = new JdbcTemplate(database.dataSource());
		contextRunner(database, nats.url()).withPropertyValues("jetway.jobs.queues.default.concurrency=1")
			.run((context) -> {
				JobClient jobs = context.getBean(JobClient.class);
				jobs.pause("default");
				List<UUID> ids = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					ids.add(jobs.enqueue("greet", new JobsTests.TestHandlers.Greeting("claim-" + i)));
				}
				// every claim fails while the table is away
				admin.execute("ALTER TABLE jetway_jobs RENAME TO jetway_jobs_away");
				try {
					jobs.resume("default");
					StreamContext stream = context.getBean(io.nats.client.Connection.class)
						.getStreamContext(context.getBean(JobsProperties.class).getStream());
					await().atMost(Duration.ofSeconds(10))
						.until(() -> stream.getConsumerContext(JobWorker.consumerName("default"))
							.getConsumerInfo()
							.getRedelivered() > 0);
				}
				finally {
					admin.execute("ALTER TABLE jetway_jobs_away RENAME TO jetway_jobs");
				}
				// with the one slot leaked by a failed claim, nothing would run now
				await().atMost(Duration.ofSeconds(15))
					.until(() -> ids.stream()
						.allMatch((id) -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED));
			});
	}

	/** A pending job in a queue no worker runs, so only the test claims it. */
	private static UUID insertJobNoWorkerTakes(JobRepository repository, Instant now) {
		UUID id = UUID.randomUUID();
		repository.insert(
				new NewJob(id, "greet", "nobody-works-here", JobState.PENDING, 5, "{}", null, null, now, now, false));
		return id;
	}

	static class BlockingHandler {

		static final AtomicInteger calls = new AtomicInteger();

		static final AtomicInteger completions = new AtomicInteger();

		static void reset() {
			calls.set(0);
			completions.set(0);
		}

		@JobHandler(type = "block-first", queue = "blocking")
		void handle(String input) throws InterruptedException {
			if (calls.incrementAndGet() == 1) {
				new CountDownLatch(1).await();
			}
			completions.incrementAndGet();
		}

	}

}
