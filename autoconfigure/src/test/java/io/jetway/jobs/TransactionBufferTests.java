package io.jetway.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import javax.sql.DataSource;

import io.jetway.jobs.JobsTests.TestHandlers;
import io.jetway.jobs.JobsTests.TestHandlers.Greeting;
import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.PublishReceipt;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfo;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * What a transaction publishes and enqueues follows that transaction through
 * {@code REQUIRES_NEW}, {@code NESTED} and its commit: an inner transaction's messages
 * and jobs commit or roll back with the inner transaction, a savepoint rollback drops
 * what was added after the savepoint, and what a synchronization adds after the commit is
 * written in a transaction of its own. PostgreSQL (jobs dispatched directly) and H2 (job
 * messages through the outbox).
 */
class TransactionBufferTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@BeforeEach
	void clearHandlers() {
		TestHandlers.reset();
	}

	private TestDatabaseInstance database(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		JobsTests.reset(database, nats.url());
		return database;
	}

	static ApplicationContextRunner runner(TestDatabaseInstance database, String natsUrl) {
		return JobsTests.contextRunner(database, natsUrl)
			.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.>");
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void requiresNewWorkCommitsWhenTheOuterTransactionRollsBack(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		runner(database, nats.url()).run((context) -> {
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			JobClient jobs = context.getBean(JobClient.class);
			TransactionTemplate outer = transactions(context, TransactionDefinition.PROPAGATION_REQUIRED);
			TransactionTemplate inner = transactions(context, TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			assertThatIllegalStateException().isThrownBy(() -> outer.executeWithoutResult((status) -> {
				publisher.publish("orders.outer", "A");
				inner.executeWithoutResult((innerStatus) -> {
					publisher.publish("orders.inner", "B");
					jobs.enqueue("greet", new Greeting("J"));
				});
				throw new IllegalStateException("the outer transaction fails");
			}));
			await().atMost(Duration.ofSeconds(10)).until(() -> TestHandlers.greeted.contains("J"));
			await().atMost(Duration.ofSeconds(10)).until(() -> !orders(nats.url()).isEmpty());
			assertThat(orders(nats.url())).containsExactly("orders.inner B");
			assertThat(jobRows(database)).isEqualTo(1);
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void requiresNewWorkThatFailsIsNeitherPublishedNorRunWhenTheOuterCatchesTheFailure(TestDatabase type)
			throws Exception {
		innerFailureCaughtByTheOuterLeavesOnlyTheOuterWork(type, TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void nestedWorkRolledBackToItsSavepointIsNeitherPublishedNorRun(TestDatabase type) throws Exception {
		innerFailureCaughtByTheOuterLeavesOnlyTheOuterWork(type, TransactionDefinition.PROPAGATION_NESTED);
	}

	private void innerFailureCaughtByTheOuterLeavesOnlyTheOuterWork(TestDatabase type, int propagation)
			throws Exception {
		TestDatabaseInstance database = database(type);
		runner(database, nats.url()).run((context) -> {
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			JobClient jobs = context.getBean(JobClient.class);
			TransactionTemplate outer = transactions(context, TransactionDefinition.PROPAGATION_REQUIRED);
			TransactionTemplate inner = transactions(context, propagation);
			outer.executeWithoutResult((status) -> {
				publisher.publish("orders.outer", "A");
				jobs.enqueue("greet", new Greeting("outer job"));
				try {
					inner.executeWithoutResult((innerStatus) -> {
						publisher.publish("orders.inner", "B");
						jobs.enqueue("greet", new Greeting("J"));
						throw new IllegalStateException("the inner transaction fails");
					});
				}
				catch (IllegalStateException ex) {
					// the outer transaction goes on without the inner work
				}
				publisher.publish("orders.outer", "C");
			});
			await().atMost(Duration.ofSeconds(10)).until(() -> TestHandlers.greeted.contains("outer job"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> pendingOutboxRows(database) == 0 && orders(nats.url()).size() >= 2);
			// A, B and C would be one insert and one relay batch: B would be there
			assertThat(orders(nats.url())).containsExactly("orders.outer A", "orders.outer C");
			assertThat(jobRows(database)).isEqualTo(1);
			assertThat(TestHandlers.greeted).containsExactly("outer job");
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void aSavepointRollbackAfterAReadInsertedTheBufferedJobsKeepsTheJobsEnqueuedBeforeIt(TestDatabase type)
			throws Exception {
		TestDatabaseInstance database = database(type);
		runner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			TransactionTemplate outer = transactions(context, TransactionDefinition.PROPAGATION_REQUIRED);
			TransactionTemplate nested = transactions(context, TransactionDefinition.PROPAGATION_NESTED);
			outer.executeWithoutResult((status) -> {
				jobs.enqueue("greet", new Greeting("before the savepoint"));
				try {
					nested.executeWithoutResult((nestedStatus) -> {
						UUID inner = jobs.enqueue("greet", new Greeting("after the savepoint"));
						// the read inserts both buffered jobs, after the savepoint
						assertThat(jobs.status(inner)).isPresent();
						throw new IllegalStateException("the nested transaction fails");
					});
				}
				catch (IllegalStateException ex) {
					// rolled back to the savepoint, with both inserts
				}
			});
			await().atMost(Duration.ofSeconds(10)).until(() -> TestHandlers.greeted.contains("before the savepoint"));
			assertThat(jobRows(database)).isEqualTo(1);
			assertThat(TestHandlers.greeted).containsExactly("before the savepoint");
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void publishingAndEnqueueingFromAnAfterCommitCallbackHappenInATransactionOfTheirOwn(TestDatabase type)
			throws Exception {
		publishingAndEnqueueingFromAnAfterCommitCallback(type,
				(context) -> transactions(context, TransactionDefinition.PROPAGATION_REQUIRED));
	}

	/**
	 * A transaction manager that is not a bean has no
	 * {@link io.jetway.support.TransactionCommitListener}: what the {@code afterCommit}
	 * of a transaction without Jetway work before its commit publishes and enqueues is
	 * written at the transaction's completion, still in a transaction of its own.
	 */
	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void publishingAndEnqueueingFromAnAfterCommitCallbackUnderATransactionManagerWithoutTheCommitListener(
			TestDatabase type) throws Exception {
		publishingAndEnqueueingFromAnAfterCommitCallback(type, (context) -> {
			JdbcTransactionManager manager = new JdbcTransactionManager(context.getBean(DataSource.class));
			assertThat(manager.getTransactionExecutionListeners()).isEmpty();
			return new TransactionTemplate(manager);
		});
	}

	private void publishingAndEnqueueingFromAnAfterCommitCallback(TestDatabase type,
			Function<AssertableApplicationContext, TransactionTemplate> template) throws Exception {
		TestDatabaseInstance database = database(type);
		runner(database, nats.url()).run((context) -> {
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			JobClient jobs = context.getBean(JobClient.class);
			TransactionTemplate transactions = template.apply(context);
			AtomicReference<PublishReceipt> first = new AtomicReference<>();
			AtomicReference<PublishReceipt> second = new AtomicReference<>();
			// nothing published in the transaction itself
			transactions.executeWithoutResult((status) -> afterCommit(() -> {
				first.set(publisher.publish("orders.late", "first"));
				jobs.enqueue("greet", new Greeting("first job"));
			}));
			// published in the transaction, then again after its commit
			transactions.executeWithoutResult((status) -> {
				afterCommit(() -> {
					second.set(publisher.publish("orders.late", "second"));
					jobs.enqueue("greet", new Greeting("second job"));
				});
				publisher.publish("orders.in", "in transaction");
				jobs.enqueue("greet", new Greeting("job in transaction"));
			});
			// the next transaction on this thread is not affected
			transactions.executeWithoutResult((status) -> {
				publisher.publish("orders.next", "next");
				jobs.enqueue("greet", new Greeting("next job"));
			});
			assertThat(first.get().outboxed()).isTrue();
			assertThat(second.get().outboxed()).isTrue();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> TestHandlers.greeted.size() == 4 && orders(nats.url()).size() == 4);
			assertThat(orders(nats.url())).containsExactlyInAnyOrder("orders.late first", "orders.in in transaction",
					"orders.late second", "orders.next next");
			assertThat(TestHandlers.greeted).containsExactlyInAnyOrder("first job", "second job", "job in transaction",
					"next job");
			assertThat(jobRows(database)).isEqualTo(4);
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void aJobEnqueuedAfterTheCommitAsTheTransactionsFirstWorkHasItsRowCommittedWithItsMessage(TestDatabase type)
			throws Exception {
		aJobEnqueuedAfterTheCommitRuns(type, (publisher, jobs, transactions, held) -> transactions
			.executeWithoutResult((status) -> afterCommit(() -> {
				// nothing was published or enqueued before the commit: both are written
				// after the callback returns, at the transaction's completion
				publisher.publish("orders.late", "first");
				// completes between the writes of the message and of the job when they
				// are separate: the worker then sees the job's message before its row
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void afterCompletion(int completion) {
						held.run();
					}

				});
				jobs.enqueue("greet", new Greeting("late job"));
			})));
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void aJobEnqueuedAfterTheCommitOfATransactionThatPublishedHasItsRowCommittedWithItsMessage(TestDatabase type)
			throws Exception {
		aJobEnqueuedAfterTheCommitRuns(type,
				(publisher, jobs, transactions, held) -> transactions.executeWithoutResult((status) -> {
					afterCommit(() -> {
						jobs.enqueue("greet", new Greeting("late job"));
						held.run();
					});
					publisher.publish("orders.in", "in transaction");
				}));
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void aJobEnqueuedAfterTheCompletionHasItsRowCommittedWithItsMessage(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		runner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			AtomicReference<Boolean> settledWhileHeld = new AtomicReference<>(false);
			transactions(context, TransactionDefinition.PROPAGATION_REQUIRED).executeWithoutResult((status) -> {
				// as @TransactionalEventListener(phase = AFTER_COMPLETION) does: Spring
				// has cleared the synchronizations but still holds the finished
				// transaction's connection
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void afterCompletion(int completion) {
						jobs.enqueue("greet", new Greeting("late job"));
					}

				});
				// the finished transaction's connection is released only after this
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void afterCompletion(int completion) {
						settledWhileHeld.set(holdUntil(() -> jobMessagesSettled(nats.url())));
					}

				});
			});
			await().atMost(Duration.ofSeconds(20)).until(() -> TestHandlers.greeted.contains("late job"));
			assertThat(jobRows(database)).isEqualTo(1);
			// the row was visible when the worker first got the message
			assertThat(settledWhileHeld.get()).isTrue();
			assertThat(jobMessagesDeliveredOnce(nats.url())).isTrue();
		});
	}

	/**
	 * Spring runs {@code @TransactionalEventListener(phase = AFTER_COMMIT)} in
	 * {@code afterCompletion(STATUS_COMMITTED)}, not in {@code afterCommit}: the
	 * synchronizations are cleared there. The job is enqueued in a transaction of its
	 * own, its row committed with its message; the publish goes out directly, not through
	 * the outbox.
	 */
	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void anAfterCommitTransactionalEventListenerEnqueuesInATransactionOfItsOwnAndPublishesDirectly(TestDatabase type)
			throws Exception {
		TestDatabaseInstance database = database(type);
		runner(database, nats.url()).withUserConfiguration(AfterCommitListener.class).run((context) -> {
			AfterCommitListener listener = context.getBean(AfterCommitListener.class);
			transactions(context, TransactionDefinition.PROPAGATION_REQUIRED)
				.executeWithoutResult((status) -> context.publishEvent(new OrderPlaced("late job")));
			assertThat(listener.synchronizationActive.get()).isFalse();
			assertThat(listener.receipt.get().outboxed()).isFalse();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> TestHandlers.greeted.contains("late job") && jobMessagesSettled(nats.url()));
			assertThat(TestHandlers.greeted).containsExactly("late job");
			assertThat(jobMessagesDeliveredOnce(nats.url())).isTrue();
			assertThat(jobRows(database)).isEqualTo(1);
			assertThat(orders(nats.url())).containsExactly("orders.placed late job");
			assertThat(outboxRows(database, "orders.placed")).isZero();
		});
	}

	record OrderPlaced(String name) {
	}

	@Configuration(proxyBeanMethods = false)
	static class AfterCommitListener {

		final AtomicReference<Boolean> synchronizationActive = new AtomicReference<>();

		final AtomicReference<PublishReceipt> receipt = new AtomicReference<>();

		private final JobClient jobs;

		private final JetwayPublisher publisher;

		AfterCommitListener(JobClient jobs, JetwayPublisher publisher) {
			this.jobs = jobs;
			this.publisher = publisher;
		}

		@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
		public void onOrderPlaced(OrderPlaced event) {
			this.synchronizationActive.set(TransactionSynchronizationManager.isSynchronizationActive());
			this.jobs.enqueue("greet", new Greeting(event.name()));
			this.receipt.set(this.publisher.publish("orders.placed", event.name()));
		}

	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void aJobEnqueuedWithAnIdempotencyKeyAfterTheCommitAsTheTransactionsFirstWorkRunsPromptly(TestDatabase type)
			throws Exception {
		aJobEnqueuedAfterTheCommitAsTheTransactionsFirstWorkRunsPromptly(type, (jobs) -> jobs.enqueue("greet",
				new Greeting("late job"), JobOptions.builder().idempotencyKey("late job").build()));
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void aJobEnqueuedAndReadAfterTheCommitAsTheTransactionsFirstWorkRunsPromptly(TestDatabase type) throws Exception {
		aJobEnqueuedAfterTheCommitAsTheTransactionsFirstWorkRunsPromptly(type, (jobs) -> {
			UUID id = jobs.enqueue("greet", new Greeting("late job"));
			// the read inserts the jobs enqueued so far
			assertThat(jobs.status(id)).isPresent();
		});
	}

	/**
	 * Runs {@code enqueue} (which enqueues the job "late job") from the
	 * {@code afterCommit} of a transaction that did no Jetway work before its commit, and
	 * holds the finished transaction until the job's message was delivered: a row
	 * committed after its message makes the worker ask again a second later, a second
	 * delivery of the one message.
	 */
	private void aJobEnqueuedAfterTheCommitAsTheTransactionsFirstWorkRunsPromptly(TestDatabase type,
			Consumer<JobClient> enqueue) throws Exception {
		TestDatabaseInstance database = database(type);
		runner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			transactions(context, TransactionDefinition.PROPAGATION_REQUIRED)
				.executeWithoutResult((status) -> afterCommit(() -> {
					enqueue.accept(jobs);
					holdTheFinishedTransactionUntil(() -> jobMessageDeliveries(nats.url()) > 0);
				}));
			await().atMost(Duration.ofSeconds(10)).until(() -> TestHandlers.greeted.contains("late job"));
			// a row committed after its message: the first delivery finds no row
			assertThat(jobMessagesDeliveredOnce(nats.url())).isTrue();
			assertThat(jobRows(database)).isEqualTo(1);
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void aFailedJobRetriedAfterTheCommitAsTheTransactionsFirstWorkRunsAgain(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		runner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = jobs.enqueue("flaky", Map.of("failures", 1), JobOptions.builder().maxAttempts(1).build());
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.FAILED);
			long deliveries = jobMessageDeliveries(nats.url());
			AtomicBoolean retried = new AtomicBoolean();
			transactions(context, TransactionDefinition.PROPAGATION_REQUIRED)
				.executeWithoutResult((status) -> afterCommit(() -> {
					retried.set(jobs.retry(id));
					// a worker that gets the new message while the job still looks failed
					// acknowledges it and claims nothing
					holdTheFinishedTransactionUntil(() -> jobMessageDeliveries(nats.url()) > deliveries);
				}));
			assertThat(retried).isTrue();
			// its attempts start again: the one attempt runs (and fails again)
			await().atMost(Duration.ofSeconds(10)).until(() -> TestHandlers.flakyCalls.get() == 2);
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void aJobCancelledAfterTheCommitAsTheTransactionsFirstWorkIsCancelledAtOnce(TestDatabase type) throws Exception {
		TestDatabaseInstance database = database(type);
		runner(database, nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = jobs.enqueue("greet", new Greeting("later"),
					JobOptions.builder().delay(Duration.ofHours(1)).build());
			AtomicBoolean cancelled = new AtomicBoolean();
			AtomicReference<AtomicBoolean> committedWhileHeld = new AtomicReference<>();
			transactions(context, TransactionDefinition.PROPAGATION_REQUIRED)
				.executeWithoutResult((status) -> afterCommit(() -> {
					cancelled.set(jobs.cancel(id));
					// the finished transaction's other callbacks run before Spring
					// releases its connection
					committedWhileHeld
						.set(holdTheFinishedTransactionUntil(() -> jobState(database, id).equals("cancelled")));
				}));
			assertThat(cancelled).isTrue();
			assertThat(jobState(database, id)).isEqualTo("cancelled");
			assertThat(committedWhileHeld.get()).as("committed before the finished transaction was released").isTrue();
		});
	}

	/**
	 * Registers a synchronization whose {@code afterCompletion} waits (at most 5 s) until
	 * {@code condition} holds: Spring releases the finished transaction's connection only
	 * after it.
	 * @return set to whether {@code condition} held, once the wait is over
	 */
	private static AtomicBoolean holdTheFinishedTransactionUntil(Callable<Boolean> condition) {
		AtomicBoolean held = new AtomicBoolean();
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCompletion(int completion) {
				held.set(holdUntil(condition));
			}

		});
		return held;
	}

	private static String jobState(TestDatabaseInstance database, UUID id) {
		return new JdbcTemplate(database.dataSource()).queryForObject("SELECT status FROM jetway_jobs WHERE id = ?",
				String.class, id);
	}

	/**
	 * @return how many messages the consumers of the jobs stream delivered, redeliveries
	 * included
	 */
	static long jobMessageDeliveries(String natsUrl) {
		try (Connection connection = Nats.connect(natsUrl)) {
			return connection.jetStreamManagement()
				.getConsumers("JOBS")
				.stream()
				.mapToLong((consumer) -> consumer.getDelivered().getConsumerSequence())
				.sum();
		}
		catch (JetStreamApiException ex) {
			return 0;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Runs {@code work}, which enqueues the job "late job" after a commit and calls its
	 * last argument where a worker that got the job's message before its row would drop
	 * it; the job runs once.
	 */
	private void aJobEnqueuedAfterTheCommitRuns(TestDatabase type, LateWork work) throws Exception {
		TestDatabaseInstance database = database(type);
		runner(database, nats.url()).run((context) -> {
			work.run(context.getBean(JetwayPublisher.class), context.getBean(JobClient.class),
					transactions(context, TransactionDefinition.PROPAGATION_REQUIRED),
					() -> holdUntil(() -> jobRows(database) == 1 || jobMessagesSettled(nats.url())));
			await().atMost(Duration.ofSeconds(10)).until(() -> TestHandlers.greeted.contains("late job"));
			assertThat(jobRows(database)).isEqualTo(1);
		});
	}

	private interface LateWork {

		void run(JetwayPublisher publisher, JobClient jobs, TransactionTemplate transactions, Runnable held);

	}

	/**
	 * Waits (at most 5 s) until {@code condition} holds, and goes on either way.
	 * @return whether {@code condition} held
	 */
	private static boolean holdUntil(Callable<Boolean> condition) {
		try {
			await().atMost(Duration.ofSeconds(5)).until(condition);
			return true;
		}
		catch (ConditionTimeoutException ex) {
			// the test's own await decides
			return false;
		}
	}

	/**
	 * @return whether every message of the jobs stream was delivered once (no consumer
	 * delivered more often than the stream has messages)
	 */
	static boolean jobMessagesDeliveredOnce(String natsUrl) {
		try (Connection connection = Nats.connect(natsUrl)) {
			JetStreamManagement management = connection.jetStreamManagement();
			long last = management.getStreamInfo("JOBS").getStreamState().getLastSequence();
			long deliveries = management.getConsumers("JOBS")
				.stream()
				.mapToLong((consumer) -> consumer.getDelivered().getConsumerSequence())
				.sum();
			return deliveries == last;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * @return whether the jobs stream has messages, a consumer delivered them and no
	 * consumer has any left to deliver or to settle (acknowledge or terminate)
	 */
	static boolean jobMessagesSettled(String natsUrl) {
		try (Connection connection = Nats.connect(natsUrl)) {
			JetStreamManagement management = connection.jetStreamManagement();
			long last = management.getStreamInfo("JOBS").getStreamState().getLastSequence();
			List<ConsumerInfo> consumers = management.getConsumers("JOBS");
			// a consumer that delivered nothing may have another queue's filter
			return last > 0
					&& consumers.stream().anyMatch((consumer) -> consumer.getDelivered().getConsumerSequence() > 0)
					&& consumers.stream()
						.allMatch((consumer) -> consumer.getNumAckPending() == 0 && consumer.getNumPending() == 0);
		}
		catch (JetStreamApiException ex) {
			return false;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static TransactionTemplate transactions(AssertableApplicationContext context, int propagation) {
		TransactionTemplate transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		transactions.setPropagationBehavior(propagation);
		return transactions;
	}

	private static void afterCommit(Runnable action) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				action.run();
			}

		});
	}

	static long jobRows(TestDatabaseInstance database) {
		Long count = new JdbcTemplate(database.dataSource()).queryForObject("SELECT COUNT(*) FROM jetway_jobs",
				Long.class);
		return (count != null) ? count : 0;
	}

	static long outboxRows(TestDatabaseInstance database, String subject) {
		Long count = new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT COUNT(*) FROM jetway_outbox WHERE subject = ?", Long.class, subject);
		return (count != null) ? count : 0;
	}

	static long pendingOutboxRows(TestDatabaseInstance database) {
		Long count = new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT COUNT(*) FROM jetway_outbox WHERE status = 'pending'", Long.class);
		return (count != null) ? count : 0;
	}

	/**
	 * @return "subject body" of every message in the ORDERS stream, in stream order
	 */
	static List<String> orders(String natsUrl) {
		try (Connection connection = Nats.connect(natsUrl)) {
			JetStreamManagement management = connection.jetStreamManagement();
			StreamInfo info = management.getStreamInfo("ORDERS");
			List<String> messages = new ArrayList<>();
			if (info.getStreamState().getMsgCount() == 0) {
				return messages;
			}
			for (long seq = info.getStreamState().getFirstSequence(); seq <= info.getStreamState()
				.getLastSequence(); seq++) {
				var message = management.getMessage("ORDERS", seq);
				messages.add(message.getSubject() + " " + new String(message.getData(), StandardCharsets.UTF_8));
			}
			return messages;
		}
		catch (JetStreamApiException ex) {
			return List.of();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
