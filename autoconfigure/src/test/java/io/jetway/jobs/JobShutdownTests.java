package io.jetway.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful shutdown spends no job attempt: claimed jobs that never got a thread, and
 * handlers the stop interrupts, are handed back with their claims taken back, and run
 * after the restart as the same attempt (max-attempts 1 here, so a take-over would fail
 * them as abandoned).
 */
class JobShutdownTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void claimedJobsHeldAtAStopRunAfterTheRestartAsTheSameAttempt(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		JobsTests.reset(database, nats.url());
		ShutdownHandlers.reset();
		List<UUID> ids = new ArrayList<>();
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		runner(database).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			// short handlers: the worker holds a job ahead of the one running
			List<UUID> quick = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				quick.add(jobs.enqueue("quick", "warm-up"));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> quick.stream().allMatch((id) -> completed(jobs, id)));
			ids.add(jobs.enqueue("block", "x"));
			assertThat(ShutdownHandlers.started.await(10, TimeUnit.SECONDS)).isTrue();
			for (int i = 0; i < 3; i++) {
				ids.add(jobs.enqueue("quick", "held"));
			}
			// the blocked one and one held ahead of it
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs WHERE status = 'running'",
						Integer.class) == 2);
		});
		assertThat(ShutdownHandlers.interrupted.getCount()).isZero();
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs WHERE status = 'failed'", Integer.class))
			.isZero();
		ShutdownHandlers.block = false;
		runner(database).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch((id) -> completed(jobs, id)));
			for (UUID id : ids) {
				assertThat(jobs.status(id).orElseThrow().attempts()).as("attempts of %s", id).isEqualTo(1);
			}
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void aHandlerInterruptedByTheStopIsNotFailedAndRunsAgainAsTheSameAttempt(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		JobsTests.reset(database, nats.url());
		ShutdownHandlers.reset();
		UUID[] id = new UUID[1];
		runner(database).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			id[0] = jobs.enqueue("block", "x");
			assertThat(ShutdownHandlers.started.await(10, TimeUnit.SECONDS)).isTrue();
		});
		assertThat(ShutdownHandlers.interrupted.getCount()).isZero();
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		assertThat(jdbc.queryForObject("SELECT status FROM jetway_jobs", String.class)).isEqualTo("pending");
		assertThat(jdbc.queryForObject("SELECT attempts FROM jetway_jobs", Integer.class)).isZero();
		ShutdownHandlers.block = false;
		runner(database).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> completed(jobs, id[0]));
			assertThat(jobs.status(id[0]).orElseThrow().attempts()).isEqualTo(1);
		});
	}

	private static boolean completed(JobClient jobs, UUID id) {
		return jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED;
	}

	private static ApplicationContextRunner runner(TestDatabaseInstance database) {
		return JobsTests.contextRunner(database, nats.url())
			.withUserConfiguration(ShutdownHandlers.class)
			.withPropertyValues("jetway.jobs.queues.shutdown.concurrency=1",
					"jetway.jobs.queues.shutdown.max-attempts=1", "jetway.listener.shutdown-timeout=300ms");
	}

	static class ShutdownHandlers {

		static volatile boolean block = true;

		static volatile CountDownLatch started = new CountDownLatch(1);

		static volatile CountDownLatch interrupted = new CountDownLatch(1);

		static void reset() {
			block = true;
			started = new CountDownLatch(1);
			interrupted = new CountDownLatch(1);
		}

		@JobHandler(type = "quick", queue = "shutdown")
		void quick(String input) {
		}

		/** Blocks until the stop interrupts it, while {@link #block}. */
		@JobHandler(type = "block", queue = "shutdown")
		void block(String input) {
			if (!block) {
				return;
			}
			started.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw new IllegalStateException("interrupted", ex);
			}
		}

	}

}
