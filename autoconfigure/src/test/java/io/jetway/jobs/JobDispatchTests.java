package io.jetway.jobs;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.jobs.JobRepository.NewJob;
import io.jetway.jobs.JobsTests.TestHandlers;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.test.nats.NatsServerProcess;
import io.jetway.topology.Namespace;
import io.nats.client.ConsumerContext;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.jobs.JobsTests.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Direct dispatch on PostgreSQL: job messages published after the commit without an
 * outbox row, the recovery of jobs whose message never left, and second copies of a job
 * message. Real nats-server and PostgreSQL.
 */
class JobDispatchTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static ApplicationContextRunner runner(TestDatabaseInstance database, String natsUrl) {
		return contextRunner(database, natsUrl).withPropertyValues("jetway.jobs.dispatch.recovery-delay=1s",
				"jetway.jobs.dispatch.recovery-interval=100ms");
	}

	@Test
	void jobsToRunNowLeaveNoOutboxRowAndDelayedJobsGoThroughTheOutbox() throws Exception {
		TestDatabaseInstance database = database();
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		runner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID now = jobs.enqueue("greet", new TestHandlers.Greeting("direct"));
			UUID later = jobs.enqueue("greet", new TestHandlers.Greeting("delayed"),
					JobOptions.builder().delay(Duration.ofMillis(500)).build());
			await().atMost(Duration.ofSeconds(10))
				.until(() -> JobsTests.TestHandlers.greeted.containsAll(List.of("direct", "delayed")));
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_outbox", Integer.class)).isEqualTo(1);
			assertThat(jdbc.queryForObject("SELECT enqueue_xid IS NOT NULL FROM jetway_jobs WHERE id = ?",
					Boolean.class, now))
				.isTrue();
			assertThat(jdbc.queryForObject("SELECT enqueue_xid IS NULL FROM jetway_jobs WHERE id = ?", Boolean.class,
					later))
				.isTrue();
		});
	}

	@Test
	void aJobWhoseMessageWasNeverPublishedIsRecoveredAndRunsOnce() throws Exception {
		TestDatabaseInstance database = database();
		runner(database, nats.url()).run((context) -> {
			// committed as by an instance that stopped right after the commit: the
			// dispatcher never heard of it
			UUID id = UUID.randomUUID();
			Instant now = Instant.now();
			context.getBean(JobRepository.class)
				.insertAll(List.of(new NewJob(id, "greet", "default", JobState.PENDING, 3, "{\"name\":\"lost\"}", null,
						null, now, now, true)));
			JobClient jobs = context.getBean(JobClient.class);
			await().atMost(Duration.ofSeconds(15))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
			assertThat(TestHandlers.greeted).containsExactly("lost");
			assertThat(jobs.status(id).orElseThrow().attempts()).isEqualTo(1);
		});
	}

	@Test
	void aTransactionStillOpenHoldsTheRecoveryBackUntilItCommits() throws Exception {
		TestDatabaseInstance database = database();
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		runner(database, nats.url()).run((context) -> {
			UUID id = UUID.randomUUID();
			try (Connection connection = database.dataSource().getConnection()) {
				connection.setAutoCommit(false);
				long xid;
				try (PreparedStatement insert = connection.prepareStatement("INSERT INTO jetway_jobs (id, type, queue, "
						+ "status, attempts, max_attempts, payload, created_at, run_at, updated_at, enqueue_xid) "
						+ "VALUES (?, 'greet', 'default', 'pending', 0, 3, '{\"name\":\"late\"}', now(), now(), now(), "
						+ "pg_current_xact_id()) RETURNING enqueue_xid::text")) {
					insert.setObject(1, id);
					try (ResultSet rows = insert.executeQuery()) {
						rows.next();
						xid = Long.parseLong(rows.getString(1));
					}
				}
				Instant opened = Instant.now();
				// rounds run and move on while the transaction is open, but never past it
				await().atMost(Duration.ofSeconds(15))
					.until(() -> jdbc.queryForObject("SELECT next_below_at FROM jetway_job_dispatch", Instant.class)
						.isAfter(opened.plusSeconds(2)));
				long checkedBelow = Long.parseLong(
						jdbc.queryForObject("SELECT checked_below::text FROM jetway_job_dispatch", String.class));
				assertThat(checkedBelow).isLessThanOrEqualTo(xid);
				connection.commit();
			}
			JobClient jobs = context.getBean(JobClient.class);
			await().atMost(Duration.ofSeconds(15))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
			assertThat(TestHandlers.greeted).containsExactly("late");
		});
	}

	@Test
	void aSecondCopyOfTheMessageOfARunningJobIsAcknowledgedWithoutARun() throws Exception {
		TestDatabaseInstance database = database();
		HoldingHandler.reset();
		runner(database, nats.url()).withUserConfiguration(HoldingHandler.class).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = jobs.enqueue("hold", "{}");
			await().atMost(Duration.ofSeconds(10)).until(() -> HoldingHandler.calls.get() == 1);
			io.nats.client.Connection connection = context.getBean(io.nats.client.Connection.class);
			String subject = context.getBean(Namespace.class)
				.subject(DefaultJobClient.QUEUE_SUBJECT_PREFIX + HoldingHandler.QUEUE);
			Headers headers = new Headers().put("Nats-Msg-Id", UUID.randomUUID().toString());
			String body = "{\"id\":\"" + id + "\",\"type\":\"hold\",\"queue\":\"" + HoldingHandler.QUEUE + "\"}";
			connection.jetStream()
				.publish(NatsMessage.builder()
					.subject(subject)
					.headers(headers)
					.data(body.getBytes(StandardCharsets.UTF_8))
					.build());
			ConsumerContext consumer = connection.getConsumerContext(
					context.getBean(Namespace.class).streamName(context.getBean(JobsProperties.class).getStream()),
					JobWorker.consumerName(HoldingHandler.QUEUE));
			// the copy was delivered and acknowledged; the first message is still held
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				var info = consumer.getConsumerInfo();
				assertThat(info.getDelivered().getStreamSequence()).isEqualTo(2);
				assertThat(info.getNumAckPending()).isEqualTo(1);
			});
			assertThat(HoldingHandler.calls.get()).isEqualTo(1);
			HoldingHandler.release.countDown();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(consumer.getConsumerInfo().getNumAckPending()).isZero());
			assertThat(HoldingHandler.calls.get()).isEqualTo(1);
			assertThat(jobs.status(id).orElseThrow().attempts()).isEqualTo(1);
		});
	}

	@Test
	void jobsEnqueuedWhileNatsIsDownRunOnceItIsBack() throws Exception {
		TestDatabaseInstance database = database();
		try (NatsServerProcess server = NatsServerProcess.start()) {
			runner(database, server.url()).run((context) -> {
				JobClient jobs = context.getBean(JobClient.class);
				UUID first = jobs.enqueue("greet", new TestHandlers.Greeting("before"));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> jobs.status(first).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
				server.stop();
				UUID id = jobs.enqueue("greet", new TestHandlers.Greeting("while-down"));
				assertThat(jobs.status(id).orElseThrow().status()).isEqualTo(JobState.PENDING);
				server.restart();
				await().atMost(Duration.ofSeconds(20))
					.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
				assertThat(TestHandlers.greeted).containsExactly("before", "while-down");
			});
		}
	}

	@Test
	void invalidDispatchSettingsFailStartupNamingTheProperty() throws Exception {
		TestDatabaseInstance database = database();
		runner(database, nats.url()).withPropertyValues("jetway.jobs.dispatch.batch-size=0")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("jetway.jobs.dispatch.batch-size")
				.hasStackTraceContaining("Set it to 1 or more"));
		runner(database, nats.url()).withPropertyValues("jetway.jobs.dispatch.recovery-delay=0s")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("jetway.jobs.dispatch.recovery-delay"));
	}

	private static TestDatabaseInstance database() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		return database;
	}

	static class HoldingHandler {

		static final String QUEUE = "holding";

		static final AtomicInteger calls = new AtomicInteger();

		static volatile CountDownLatch release = new CountDownLatch(1);

		static void reset() {
			calls.set(0);
			release = new CountDownLatch(1);
		}

		@JobHandler(type = "hold", queue = QUEUE)
		void handle(String input) throws InterruptedException {
			calls.incrementAndGet();
			release.await();
		}

	}

}
