package io.jetway.jobs;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import io.jetway.jdbc.DatabaseType;
import io.jetway.jobs.JobRetentionRepository.Cutoffs;
import io.jetway.jobs.JobsTests.TestHandlers.Greeting;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Job retention against real databases: what is deleted, what is kept, batches, and two
 * instances cleaning up at once.
 */
class JobRetentionTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private ApplicationContextRunner contextRunner(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		JobsTests.reset(database, nats.url());
		return JobsTests.contextRunner(database, nats.url())
			.withPropertyValues("jetway.jobs.retention.succeeded=1h", "jetway.jobs.retention.failed=1d",
					"jetway.jobs.retention.idempotency-key-window=3d");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void deletesFinishedJobsPastTheirAgeAndKeepsTheRest(TestDatabase type) throws Exception {
		contextRunner(type).run((context) -> {
			Rows rows = new Rows(context);
			rows.insert("old-completed", "q", "completed", hoursAgo(5), hoursAgo(2), null, null);
			rows.insert("other-queue-old-completed", "other", "completed", hoursAgo(5), hoursAgo(2), null, null);
			rows.insert("recent-completed", "q", "completed", hoursAgo(3), minutesAgo(30), null, null);
			rows.insert("old-failed", "q", "failed", hoursAgo(72), hoursAgo(48), null, null);
			rows.insert("recent-failed", "q", "failed", hoursAgo(6), hoursAgo(5), null, null);
			rows.insert("old-cancelled", "q", "cancelled", hoursAgo(72), hoursAgo(48), null, null);
			rows.insert("cancelled-before-its-run-time", "q", "cancelled", hoursAgo(72), hoursAgo(48), null, null);
			rows.jdbc.update("UPDATE jetway_jobs SET run_at = ? WHERE type = ?", (statement) -> {
				rows.databaseType.setInstant(statement, 1, NOW.plus(Duration.ofDays(1)));
				statement.setString(2, "cancelled-before-its-run-time");
			});
			for (String status : List.of("scheduled", "pending", "running")) {
				rows.insert("old-" + status, "q", status, hoursAgo(240), null, null, null);
			}
			rows.insert("old-completed-webhook-pending", "q", "completed", hoursAgo(5), hoursAgo(2), null, "pending");
			rows.insert("old-completed-webhook-delivered", "q", "completed", hoursAgo(5), hoursAgo(2), null,
					"delivered");
			UUID keyInWindow = rows.insert("greet", "default", "completed", hoursAgo(48), hoursAgo(48), "in-window",
					null);
			UUID keyPastWindow = rows.insert("greet", "default", "completed", hoursAgo(96), hoursAgo(96), "past-window",
					null);

			assertThat(context.getBean(JobRetention.class).cleanUp()).isEqualTo(6);

			assertThat(rows.jdbc.queryForList("SELECT type FROM jetway_jobs", String.class)).containsExactlyInAnyOrder(
					"recent-completed", "recent-failed", "cancelled-before-its-run-time", "old-scheduled",
					"old-pending", "old-running", "old-completed-webhook-pending", "greet");
			JobClient jobs = context.getBean(JobClient.class);
			JobOptions inWindow = JobOptions.builder().idempotencyKey("in-window").build();
			assertThat(jobs.enqueue("greet", new Greeting("again"), inWindow)).isEqualTo(keyInWindow);
			JobOptions pastWindow = JobOptions.builder().idempotencyKey("past-window").build();
			assertThat(jobs.enqueue("greet", new Greeting("again"), pastWindow)).isNotEqualTo(keyPastWindow);
			assertThat(context.getBean(JobRetention.class).cleanUp()).isZero();
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void deletesInBatchesOfTheBatchSize(TestDatabase type) throws Exception {
		contextRunner(type).withPropertyValues("jetway.jobs.retention.batch-size=10").run((context) -> {
			Rows rows = new Rows(context);
			rows.insertOldCompleted(25);
			JobRetentionRepository repository = rows.repository();
			Cutoffs cutoffs = Cutoffs.at(NOW, context.getBean(JobsProperties.class).getRetention());
			List<Integer> batches = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				batches.add(repository.delete("q", Instant.EPOCH, cutoffs, 10).size());
			}
			assertThat(batches).containsExactly(10, 10, 5);
			rows.insertOldCompleted(25);
			assertThat(context.getBean(JobRetention.class).cleanUp()).isEqualTo(25);
			assertThat(rows.count()).isZero();
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void twoInstancesCleaningUpAtOnceDeleteEachJobOnceAndNeitherFails(TestDatabase type) throws Exception {
		contextRunner(type).run((context) -> {
			Rows rows = new Rows(context);
			int jobs = 3000;
			rows.insertOldCompleted(jobs);
			JobsProperties.Retention settings = new JobsProperties.Retention();
			settings.setSucceeded(Duration.ofHours(1));
			settings.setBatchSize(20);
			List<JobRetention> instances = List.of(new JobRetention(rows.repository(), settings, Clock.systemUTC()),
					new JobRetention(rows.repository(), settings, Clock.systemUTC()));
			CyclicBarrier start = new CyclicBarrier(instances.size());
			ExecutorService threads = Executors.newFixedThreadPool(instances.size());
			try {
				List<CompletableFuture<Integer>> runs = instances.stream()
					.map((retention) -> CompletableFuture.supplyAsync(() -> {
						await(start);
						return retention.cleanUp();
					}, threads))
					.toList();
				int deleted = 0;
				for (CompletableFuture<Integer> run : runs) {
					deleted += run.get(60, TimeUnit.SECONDS);
				}
				assertThat(deleted).isEqualTo(jobs);
				assertThat(runs).allSatisfy((run) -> assertThat(run.join()).isPositive());
				assertThat(rows.count()).isZero();
			}
			finally {
				threads.shutdownNow();
			}
		});
	}

	/**
	 * A batch locks only the jobs it deletes. One that starts further along the walk
	 * leaves the older jobs to the other instance's batch running meanwhile, which
	 * neither skips them nor waits. On MariaDB the held batch kept the jobs it passed
	 * over locked (it read the queue from its start, {@code created_at} checked as a
	 * pushed index condition): the other batch skipped them and its walk went on past
	 * them, so neither instance deleted them in that run. And the other batch's
	 * {@code DELETE ... IN} waited for rows of the held batch (it read past its ids).
	 */
	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void aBatchLeavesTheJobsBeforeItsStartToAnotherInstancesBatch(TestDatabase type) throws Exception {
		contextRunner(type).run((context) -> {
			Rows rows = new Rows(context);
			rows.insertOldCompleted(60);
			JobRetentionRepository repository = rows.repository();
			Cutoffs cutoffs = Cutoffs.at(NOW, context.getBean(JobsProperties.class).getRetention());
			TransactionTemplate batchHeldOpen = new TransactionTemplate(
					new DataSourceTransactionManager(rows.dataSource));
			batchHeldOpen.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
			ExecutorService otherInstance = Executors.newSingleThreadExecutor();
			try {
				List<Instant> deletedMeanwhile = batchHeldOpen.execute((status) -> {
					assertThat(repository.delete("q", Rows.oldCompletedCreatedAt(40), cutoffs, 10))
						.containsExactlyInAnyOrderElementsOf(Rows.oldCompletedCreatedAt(40, 50));
					return CompletableFuture
						.supplyAsync(() -> repository.delete("q", Instant.EPOCH, cutoffs, 10), otherInstance)
						.orTimeout(10, TimeUnit.SECONDS)
						.join();
				});
				assertThat(deletedMeanwhile).containsExactlyInAnyOrderElementsOf(Rows.oldCompletedCreatedAt(0, 10));
				assertThat(rows.count()).isEqualTo(40);
			}
			finally {
				otherInstance.shutdownNow();
			}
		});
	}

	/**
	 * PostgreSQL and H2: MariaDB's duplicate-key error locks the key's row until the
	 * enqueue's transaction ends, so the retention skips it there.
	 */
	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "H2" })
	void anEnqueueWhoseKeyedJobIsDeletedBetweenItsInsertAndItsReadCreatesANewJob(TestDatabase type) throws Exception {
		contextRunner(type).withUserConfiguration(DeletingRepositoryConfiguration.class).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			JobOptions options = JobOptions.builder().idempotencyKey("deleted-meanwhile").build();
			UUID first = jobs.enqueue("greet", new Greeting("first"), options);
			DeletingRepositoryConfiguration.deleteBeforeRead.set(true);
			UUID second = jobs.enqueue("greet", new Greeting("second"), options);
			assertThat(DeletingRepositoryConfiguration.deleteBeforeRead).isFalse();
			assertThat(second).isNotEqualTo(first);
			assertThat(jobs.status(second)).isPresent();
			assertThat(jobs.status(first)).isEmpty();
		});
	}

	/**
	 * A table created before jetway_jobs_queue_idx was added (2026-11-23) has
	 * jetway_jobs_queue_status_idx instead, and the schema script adds no index to an
	 * existing MySQL/MariaDB table: MariaDB rejects a FORCE INDEX of a missing index.
	 */
	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = "MARIADB")
	void deletesFromATableWithoutTheListingIndex(TestDatabase type) throws Exception {
		contextRunner(type).run((context) -> {
			Rows rows = new Rows(context);
			rows.jdbc
				.execute("ALTER TABLE jetway_jobs RENAME INDEX jetway_jobs_queue_idx TO jetway_jobs_queue_status_idx");
			try {
				rows.insertOldCompleted(3);
				assertThat(context.getBean(JobRetention.class).cleanUp()).isEqualTo(3);
				assertThat(rows.count()).isZero();
			}
			finally {
				rows.jdbc.execute(
						"ALTER TABLE jetway_jobs RENAME INDEX jetway_jobs_queue_status_idx TO jetway_jobs_queue_idx");
			}
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = "H2")
	void refusesAnAgeThatIsNotPositive(TestDatabase type) throws Exception {
		contextRunner(type).withPropertyValues("jetway.jobs.retention.succeeded=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("jetway.jobs.retention.succeeded");
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = "H2")
	void canBeTurnedOff(TestDatabase type) throws Exception {
		contextRunner(type).withPropertyValues("jetway.jobs.retention.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JobRetention.class));
	}

	/**
	 * A job repository that deletes the key's job (as the retention would) right before
	 * the enqueue reads it, once.
	 */
	@Configuration(proxyBeanMethods = false)
	static class DeletingRepositoryConfiguration {

		static final AtomicBoolean deleteBeforeRead = new AtomicBoolean();

		@Bean
		JobRepository jobRepository(DataSource dataSource, DatabaseType databaseType) {
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			return new JobRepository(jdbc, databaseType,
					new TransactionTemplate(new DataSourceTransactionManager(dataSource))) {

				@Override
				Optional<UUID> findIdByIdempotencyKey(String key) {
					if (deleteBeforeRead.getAndSet(false)) {
						jdbc.update("DELETE FROM jetway_jobs WHERE idempotency_key = ?", key);
					}
					return super.findIdByIdempotencyKey(key);
				}

			};
		}

	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Instant hoursAgo(long hours) {
		return NOW.minus(Duration.ofHours(hours));
	}

	private static Instant minutesAgo(long minutes) {
		return NOW.minus(Duration.ofMinutes(minutes));
	}

	/** Job rows written straight to the table of a started context. */
	private static final class Rows {

		private final JdbcTemplate jdbc;

		private final DatabaseType databaseType;

		private final DataSource dataSource;

		Rows(ApplicationContext context) {
			this.dataSource = context.getBean(DataSource.class);
			this.jdbc = new JdbcTemplate(this.dataSource);
			this.databaseType = context.getBean(DatabaseType.class);
		}

		JobRetentionRepository repository() {
			return new JobRetentionRepository(this.jdbc, this.databaseType,
					new TransactionTemplate(new DataSourceTransactionManager(this.dataSource)));
		}

		private static final String INSERT = "INSERT INTO jetway_jobs (id, type, queue, status, attempts, "
				+ "max_attempts, payload, idempotency_key, webhook_url, webhook_status, created_at, run_at, "
				+ "completed_at, updated_at) VALUES (?, ?, ?, ?, 1, 3, '{\"name\":\"x\"}', ?, ?, ?, ?, ?, ?, ?)";

		/**
		 * @param type the job's type, used as its name in assertions
		 */
		UUID insert(String type, String queue, String status, Instant createdAt, @Nullable Instant completedAt,
				@Nullable String idempotencyKey, @Nullable String webhookStatus) {
			Row row = new Row(UUID.randomUUID(), type, queue, status, createdAt, completedAt, idempotencyKey,
					webhookStatus);
			this.jdbc.update(INSERT, (statement) -> bind(statement, row));
			return row.id();
		}

		void insertOldCompleted(int count) {
			List<Row> jobs = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				jobs.add(new Row(UUID.randomUUID(), "old", "q", "completed", oldCompletedCreatedAt(i), hoursAgo(2),
						null, null));
			}
			this.jdbc.batchUpdate(INSERT, jobs, 500, this::bind);
		}

		/**
		 * @return when the {@code index}th job of {@link #insertOldCompleted} was created
		 */
		static Instant oldCompletedCreatedAt(int index) {
			return hoursAgo(5).plusMillis(index);
		}

		/**
		 * @return when the jobs of {@link #insertOldCompleted} from {@code from}
		 * (inclusive) to {@code to} (exclusive) were created
		 */
		static List<Instant> oldCompletedCreatedAt(int from, int to) {
			return IntStream.range(from, to).mapToObj(Rows::oldCompletedCreatedAt).toList();
		}

		private void bind(PreparedStatement statement, Row row) throws SQLException {
			this.databaseType.setUuid(statement, 1, row.id());
			statement.setString(2, row.type());
			statement.setString(3, row.queue());
			statement.setString(4, row.status());
			statement.setString(5, row.idempotencyKey());
			statement.setString(6, (row.webhookStatus() != null) ? "http://127.0.0.1:1/hook" : null);
			statement.setString(7, row.webhookStatus());
			this.databaseType.setInstant(statement, 8, row.createdAt());
			this.databaseType.setInstant(statement, 9, row.createdAt());
			this.databaseType.setInstant(statement, 10, row.completedAt());
			this.databaseType.setInstant(statement, 11,
					(row.completedAt() != null) ? row.completedAt() : row.createdAt());
		}

		private record Row(UUID id, String type, String queue, String status, Instant createdAt,
				@Nullable Instant completedAt, @Nullable String idempotencyKey, @Nullable String webhookStatus) {
		}

		int count() {
			Integer count = this.jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs", Integer.class);
			return (count != null) ? count : -1;
		}

	}

}
