package io.jetway.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DeadlockLoserDataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.UncategorizedSQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A transient failure of the completion commit (here a lock timeout) is retried: the
 * outcomes are fenced, so the job is not handed back and run again.
 */
class JobCompletionRetryTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@Test
	void aLockTimeoutAtTheCompletionCommitIsRetriedWithoutRunningTheJobAgain() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		RetryHandlers.reset();
		JobsTests.contextRunner(database, nats.url())
			.withUserConfiguration(RetryHandlers.class)
			.withPropertyValues("spring.datasource.hikari.connection-init-sql=SET lock_timeout = '200ms'")
			.run((context) -> {
				JobClient jobs = context.getBean(JobClient.class);
				UUID id = jobs.enqueue("locked", "x");
				assertThat(RetryHandlers.started.await(10, TimeUnit.SECONDS)).isTrue();
				try (Connection connection = database.dataSource().getConnection()) {
					connection.setAutoCommit(false);
					try (PreparedStatement lock = connection
						.prepareStatement("SELECT id FROM jetway_jobs WHERE id = ? FOR UPDATE")) {
						lock.setObject(1, id);
						lock.executeQuery().close();
					}
					RetryHandlers.release.countDown();
					// the completion meets the lock timeout, more than once
					await().during(Duration.ofMillis(800))
						.atMost(Duration.ofSeconds(3))
						.until(() -> jobs.status(id).orElseThrow().status() == JobState.RUNNING);
					connection.rollback();
				}
				await().atMost(Duration.ofSeconds(10))
					.until(() -> jobs.status(id).orElseThrow().status() == JobState.COMPLETED);
				assertThat(jobs.status(id).orElseThrow().attempts()).isEqualTo(1);
				assertThat(RetryHandlers.calls.get()).isEqualTo(1);
			});
	}

	@Test
	void transientFailuresAreToldApartFromOthers() {
		assertThat(JobCompletions.isTransient(new CannotAcquireLockException("lock timeout"))).isTrue();
		assertThat(JobCompletions.isTransient(new DeadlockLoserDataAccessException("deadlock", null))).isTrue();
		assertThat(JobCompletions.isTransient(new IllegalStateException(new CannotAcquireLockException("x")))).isTrue();
		assertThat(JobCompletions.isTransient(new UncategorizedSQLException("finish", "UPDATE",
				new SQLException("canceling statement due to lock timeout", "55P03"))))
			.isTrue();
		assertThat(JobCompletions.isTransient(new DataAccessResourceFailureException("other"))).isFalse();
		assertThat(JobCompletions.isTransient(new IllegalStateException("other"))).isFalse();
	}

	static class RetryHandlers {

		static volatile CountDownLatch started = new CountDownLatch(1);

		static volatile CountDownLatch release = new CountDownLatch(1);

		static final AtomicInteger calls = new AtomicInteger();

		static void reset() {
			started = new CountDownLatch(1);
			release = new CountDownLatch(1);
			calls.set(0);
		}

		@JobHandler(type = "locked", queue = "transient")
		void locked(String input) throws InterruptedException {
			calls.incrementAndGet();
			started.countDown();
			release.await(10, TimeUnit.SECONDS);
		}

	}

}
