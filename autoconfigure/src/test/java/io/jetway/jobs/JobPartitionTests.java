package io.jetway.jobs;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.test.net.FaultProxy;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances; the one running a job is cut off from NATS (through a
 * {@link FaultProxy}) for longer than the queue's ack wait, so the job's message is
 * redelivered to the other one, which takes the job over while the first attempt still
 * runs.
 */
class JobPartitionTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@AfterEach
	void release() {
		PartitionHandlers.release.countDown();
	}

	@ParameterizedTest(name = "transactional = {0}")
	@ValueSource(booleans = { false, true })
	void aWorkerCutOffFromNatsLongerThanTheAckWaitLosesItsJobToAnotherInstance(boolean transactional) throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		PartitionHandlers.reset();
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		jdbc.execute("DROP TABLE IF EXISTS partition_effects");
		jdbc.execute("CREATE TABLE partition_effects (job_id VARCHAR(36) NOT NULL, attempt INTEGER NOT NULL)");
		URI natsUri = URI.create(nats.url());
		SimpleMeterRegistry registryOfA = new SimpleMeterRegistry();
		try (FaultProxy proxy = FaultProxy.to(natsUri.getHost(), natsUri.getPort())) {
			runner(database, proxy.url("nats")).run((a) -> {
				a.getBean(JobMetrics.class).bindTo(registryOfA);
				UUID id = a.getBean(JobClient.class)
					.enqueue(transactional ? "partition-in-transaction" : "partition", "x");
				assertThat(PartitionHandlers.started.await(10, TimeUnit.SECONDS)).isTrue();
				proxy.cut();
				runner(database, nats.url()).run((b) -> {
					JobClient jobs = b.getBean(JobClient.class);
					await().atMost(Duration.ofSeconds(20))
						.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
					assertThat(jobs.status(id).orElseThrow().attempts()).isEqualTo(2);
					// attempt 1 still ran on A while B ran attempt 2
					assertThat(PartitionHandlers.mostAtOnce.get()).isEqualTo(2);
					PartitionHandlers.release.countDown();
					await().atMost(Duration.ofSeconds(10)).until(() -> stale(registryOfA) == 1.0);
					JobStatus status = jobs.status(id).orElseThrow();
					assertThat(status.status()).isEqualTo(JobState.COMPLETED);
					assertThat(status.attempts()).isEqualTo(2);
					assertThat(
							jdbc.queryForList("SELECT attempt FROM partition_effects ORDER BY attempt", Integer.class))
						.as("effects by attempt")
						.isEqualTo(transactional ? List.of(2) : List.of(1, 2));
				});
				proxy.heal();
			});
		}
	}

	private static ApplicationContextRunner runner(TestDatabaseInstance database, String natsUrl) {
		return JobsTests.contextRunner(database, natsUrl)
			.withUserConfiguration(PartitionHandlers.class)
			.withPropertyValues("jetway.jobs.queues.partition.ack-wait=1s",
					"jetway.jobs.queues.partition.max-attempts=5", "jetway.listener.shutdown-timeout=1s");
	}

	private static double stale(SimpleMeterRegistry registry) {
		Timer stale = registry.find("jetway.jobs.attempts").tag("outcome", "stale").timer();
		return (stale != null) ? stale.count() : 0;
	}

	static class PartitionHandlers {

		static volatile CountDownLatch started = new CountDownLatch(1);

		static volatile CountDownLatch release = new CountDownLatch(1);

		static final AtomicInteger running = new AtomicInteger();

		static final AtomicInteger mostAtOnce = new AtomicInteger();

		private final JdbcTemplate jdbc;

		PartitionHandlers(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		static void reset() {
			started = new CountDownLatch(1);
			release = new CountDownLatch(1);
			running.set(0);
			mostAtOnce.set(0);
		}

		@JobHandler(type = "partition", queue = "partition")
		void partition(String input, JobContext context) throws InterruptedException {
			run(context);
		}

		@JobHandler(type = "partition-in-transaction", queue = "partition", transactional = true)
		void partitionInTransaction(String input, JobContext context) throws InterruptedException {
			run(context);
		}

		private void run(JobContext context) throws InterruptedException {
			mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
			try {
				this.jdbc.update("INSERT INTO partition_effects (job_id, attempt) VALUES (?, ?)",
						context.id().toString(), context.attempt());
				if (context.attempt() == 1) {
					started.countDown();
					// stays under the queue's timeout: the attempt is not abandoned, it
					// is
					// cut off
					release.await(30, TimeUnit.SECONDS);
				}
			}
			finally {
				running.decrementAndGet();
			}
		}

	}

}
