package io.jetway.jobs;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.jetway.consumer.NonRetryableException;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.test.net.FaultProxy;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database becomes unreachable (cut through a {@link FaultProxy}) while a job runs,
 * for longer than the queue's ack wait, and comes back: the outage is not the handler's
 * failure, so it spends no attempt, and the job ends with its handler's own outcome.
 */
class JobDatabaseOutageTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@AfterEach
	void release() {
		OutageHandlers.release.countDown();
		OutageHandlers.proxy = null;
	}

	@ParameterizedTest(name = "handler fails = {0}")
	@ValueSource(booleans = { false, true })
	void anOutcomeThatCannotBeStoredIsStoredOnceTheDatabaseIsBackWithoutSpendingAnAttempt(boolean handlerFails)
			throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		OutageHandlers.reset();
		try (FaultProxy proxy = proxyTo(database)) {
			runner(database, proxy).run((context) -> {
				JobClient jobs = context.getBean(JobClient.class);
				UUID id = jobs.enqueue("outage", handlerFails ? "fail" : "succeed");
				assertThat(OutageHandlers.started.await(10, TimeUnit.SECONDS)).isTrue();
				proxy.cut();
				OutageHandlers.release.countDown();
				// longer than the ack wait: the message must be kept alive meanwhile
				await().during(Duration.ofSeconds(3))
					.atMost(Duration.ofSeconds(6))
					.until(() -> OutageHandlers.calls.get() == 1);
				proxy.heal();
				JobState expected = handlerFails ? JobState.FAILED : JobState.COMPLETED;
				await().atMost(Duration.ofSeconds(20))
					.ignoreExceptions()
					.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == expected);
				JobStatus status = jobs.status(id).orElseThrow();
				assertThat(status.attempts()).as("attempts").isEqualTo(1);
				if (handlerFails) {
					assertThat(status.error()).contains("refused by the handler");
				}
				assertThat(OutageHandlers.calls.get()).as("handler calls").isEqualTo(1);
			});
		}
	}

	@Test
	void progressThatCannotBeStoredDoesNotFailTheAttempt() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		OutageHandlers.reset();
		try (FaultProxy proxy = proxyTo(database)) {
			runner(database, proxy).run((context) -> {
				JobClient jobs = context.getBean(JobClient.class);
				UUID id = jobs.enqueue("outage-with-progress", "x");
				assertThat(OutageHandlers.started.await(10, TimeUnit.SECONDS)).isTrue();
				proxy.cut();
				OutageHandlers.release.countDown();
				await().atMost(Duration.ofSeconds(10)).until(() -> OutageHandlers.progressed.get() == 1);
				proxy.heal();
				await().atMost(Duration.ofSeconds(20))
					.ignoreExceptions()
					.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
				assertThat(jobs.status(id).orElseThrow().attempts()).as("attempts").isEqualTo(1);
				assertThat(OutageHandlers.calls.get()).as("handler calls").isEqualTo(1);
			});
		}
	}

	@Test
	void aTransactionalHandlerWhoseTransactionCannotBeginRunsOnceTheDatabaseIsBackAsTheSameAttempt() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		OutageHandlers.reset();
		try (FaultProxy proxy = proxyTo(database)) {
			OutageHandlers.proxy = proxy;
			runner(database, proxy).run((context) -> {
				JobClient jobs = context.getBean(JobClient.class);
				UUID id = jobs.enqueue("outage-in-transaction", "x");
				// the transaction manager cuts the database as the handler's transaction
				// begins
				assertThat(OutageHandlers.cut.await(10, TimeUnit.SECONDS)).isTrue();
				await().during(Duration.ofSeconds(3))
					.atMost(Duration.ofSeconds(6))
					.until(() -> OutageHandlers.calls.get() == 0);
				proxy.heal();
				await().atMost(Duration.ofSeconds(20))
					.ignoreExceptions()
					.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
				assertThat(jobs.status(id).orElseThrow().attempts()).as("attempts").isEqualTo(1);
				assertThat(OutageHandlers.calls.get()).as("handler calls").isEqualTo(1);
			});
		}
	}

	private static FaultProxy proxyTo(TestDatabaseInstance database) {
		URI uri = URI.create(database.url().substring("jdbc:".length()));
		return FaultProxy.to(uri.getHost(), uri.getPort());
	}

	private static ApplicationContextRunner runner(TestDatabaseInstance database, FaultProxy proxy) {
		URI uri = URI.create(database.url().substring("jdbc:".length()));
		String url = proxy.url("jdbc:postgresql") + uri.getRawPath()
				+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		return JobsTests.contextRunner(database, nats.url())
			.withUserConfiguration(OutageHandlers.class)
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.hikari.connection-timeout=500",
					"jetway.jobs.queues.outage.ack-wait=1s", "jetway.jobs.queues.outage.max-attempts=2",
					"jetway.listener.shutdown-timeout=1s");
	}

	@Configuration(proxyBeanMethods = false)
	static class OutageHandlers {

		static volatile CountDownLatch started = new CountDownLatch(1);

		static volatile CountDownLatch release = new CountDownLatch(1);

		static volatile CountDownLatch cut = new CountDownLatch(1);

		static final AtomicInteger calls = new AtomicInteger();

		static final AtomicInteger progressed = new AtomicInteger();

		static final AtomicBoolean cutOnce = new AtomicBoolean();

		static volatile @Nullable FaultProxy proxy;

		static void reset() {
			started = new CountDownLatch(1);
			release = new CountDownLatch(1);
			cut = new CountDownLatch(1);
			calls.set(0);
			progressed.set(0);
			cutOnce.set(false);
		}

		@Bean
		DataSourceTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource) {

				@Override
				protected void doBegin(Object transaction, TransactionDefinition definition) {
					FaultProxy database = proxy;
					if (database != null && Thread.currentThread().getName().startsWith("jetway-jobs-outage-")
							&& cutOnce.compareAndSet(false, true)) {
						database.cut();
						// the pool's connections are gone: the transaction needs a new
						// one
						((HikariDataSource) dataSource).getHikariPoolMXBean().softEvictConnections();
						cut.countDown();
					}
					super.doBegin(transaction, definition);
				}

			};
		}

		@JobHandler(type = "outage", queue = "outage")
		void outage(String input) throws InterruptedException {
			calls.incrementAndGet();
			started.countDown();
			release.await(30, TimeUnit.SECONDS);
			if (input.contains("fail")) {
				throw new NonRetryableException("refused by the handler");
			}
		}

		@JobHandler(type = "outage-with-progress", queue = "outage")
		void outageWithProgress(String input, JobContext context) throws InterruptedException {
			calls.incrementAndGet();
			started.countDown();
			release.await(30, TimeUnit.SECONDS);
			context.progress(0.5, "half way, while the database is away");
			progressed.incrementAndGet();
		}

		@JobHandler(type = "outage-in-transaction", queue = "outage", transactional = true)
		void outageInTransaction(String input) {
			calls.incrementAndGet();
		}

	}

}
