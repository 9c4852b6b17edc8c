package io.jetway.jobs;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.jetway.jobs.JobMetaTests.Named;
import io.jetway.support.MessageIds;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A job enqueued with an id of the caller's ({@link JobOptions#id()}, OJS's
 * client-provided id) on every database: it is the job's id, and a second job with it is
 * refused without spoiling the caller's transaction.
 */
class JobGivenIdTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aGivenIdIsTheJobsIdAndASecondJobWithItIsRefused(TestDatabase type) throws Exception {
		JobMetaTests.runner(databases.get(type), nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = MessageIds.next();
			JobOptions later = JobOptions.builder().id(id).delay(Duration.ofHours(1)).build();
			assertThat(jobs.enqueue("remember-meta", new Named("first"), later)).isEqualTo(id);
			assertThat(jobs.status(id).orElseThrow().payload()).contains("first");

			assertThatExceptionOfType(DuplicateJobException.class)
				.isThrownBy(() -> jobs.enqueue("remember-meta", new Named("second"), later))
				.withMessageContaining(id.toString())
				.satisfies((ex) -> assertThat(ex.id()).isEqualTo(id));
			assertThat(jobs.status(id).orElseThrow().payload()).contains("first");

			// in a transaction: the duplicate is refused, the transaction's other job
			// commits
			UUID other = context.getBean(TransactionTemplate.class).execute((status) -> {
				UUID enqueued = jobs.enqueue("remember-meta", new Named("other"),
						JobOptions.builder().delay(Duration.ofHours(1)).build());
				assertThatExceptionOfType(DuplicateJobException.class)
					.isThrownBy(() -> jobs.enqueue("remember-meta", new Named("third"), later));
				return enqueued;
			});
			assertThat(jobs.status(other)).isPresent();
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs", Integer.class)).isEqualTo(2);
			jdbc.update("DELETE FROM jetway_jobs");
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void anIdGivenAgainAfterItsJobWasDeletedRunsTheNewJob(TestDatabase type) throws Exception {
		JobMetaTests.runner(databases.get(type), nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			UUID id = MessageIds.next();
			JobOptions once = JobOptions.builder().id(id).maxAttempts(1).build();
			JobMetaTests.MetaHandlers.failures = 1;
			jobs.enqueue("remember-meta", new Named("first"), once);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jobs.status(id).orElseThrow().status()).isEqualTo(JobState.FAILED));
			// deleted the way OJS's DELETE /dead-letter/{id} does, within the stream's
			// duplicate window of the first job's message
			jdbc.update("DELETE FROM jetway_jobs WHERE id = ?", id);

			jobs.enqueue("remember-meta", new Named("second"), once);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(JobMetaTests.MetaHandlers.seen).containsKey("second"));
			jdbc.update("DELETE FROM jetway_jobs");
		});
	}

	@Test
	void anIdAndAnIdempotencyKeyTogetherAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JobOptions.builder().id(MessageIds.next()).idempotencyKey("k").build())
			.withMessageContaining("id")
			.withMessageContaining("idempotencyKey");
	}

	@Test
	void aConcurrentDuplicateIsRefusedAndTheCallersPostgresqlTransactionGoesOn() throws Exception {
		JobMetaTests.runner(databases.get(TestDatabase.POSTGRESQL), nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			UUID id = MessageIds.next();
			JobOptions later = JobOptions.builder().id(id).delay(Duration.ofHours(1)).build();
			CountDownLatch firstInserted = new CountDownLatch(1);
			CountDownLatch commitFirst = new CountDownLatch(1);
			// the first job's transaction holds its row uncommitted while the second
			// enqueues the same id, which so waits for the first's commit
			CompletableFuture<Void> first = CompletableFuture
				.runAsync(() -> transactions.executeWithoutResult((status) -> {
					jobs.enqueue("remember-meta", new Named("first"), later);
					firstInserted.countDown();
					await().atMost(Duration.ofSeconds(10)).until(() -> commitFirst.await(0, TimeUnit.SECONDS));
				}));
			assertThat(firstInserted.await(10, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> transactions.execute((status) -> {
				assertThatExceptionOfType(DuplicateJobException.class)
					.isThrownBy(() -> jobs.enqueue("remember-meta", new Named("second"), later));
				return jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs WHERE id = ?", Integer.class, id);
			}));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jdbc.queryForObject(
						"SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO jetway_jobs%'",
						Integer.class) == 1);
			commitFirst.countDown();
			first.get(10, TimeUnit.SECONDS);
			assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(1);
			assertThat(jobs.status(id).orElseThrow().payload()).contains("first");
			jdbc.update("DELETE FROM jetway_jobs");
		});
	}

}
