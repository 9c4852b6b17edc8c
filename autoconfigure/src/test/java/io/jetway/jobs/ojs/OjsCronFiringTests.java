package io.jetway.jobs.ojs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.jetway.jdbc.DatabaseType;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobHandlers;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How {@link OjsCrons} fires ticks, with a clock the test moves (in the year 2100, so
 * that the application's own cron poller never finds these crons due): a transient
 * failure spends no tick, a stored row that cannot be fired does not block the others,
 * and overlap {@code skip} counts a previous job that is still waiting.
 */
class OjsCronFiringTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final Instant START = Instant.parse("2100-01-01T00:00:00.500Z");

	private static TestDatabaseInstance database;

	private static OjsTestApplication app;

	private static JdbcTemplate jdbc;

	private final MovableClock clock = new MovableClock();

	private final AtomicBoolean databaseDown = new AtomicBoolean();

	private OjsCrons crons;

	@BeforeAll
	static void start() throws Exception {
		database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		app = OjsTestApplication.start(database, nats.url());
		jdbc = new JdbcTemplate(database.dataSource());
	}

	@AfterAll
	static void stop() throws Exception {
		app.close();
		OjsTestApplication.reset(database, nats.url());
	}

	@BeforeEach
	void crons() {
		JobClient real = app.context().getBean(JobClient.class);
		JobClient flaky = (JobClient) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { JobClient.class }, (proxy, method, arguments) -> {
					if (method.getName().equals("enqueue") && this.databaseDown.get()) {
						throw new DataAccessResourceFailureException("injected: the database is unreachable");
					}
					try {
						return method.invoke(real, arguments);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
		this.crons = new OjsCrons(jdbc, DatabaseType.of(database.dataSource()),
				new TransactionTemplate(new DataSourceTransactionManager(database.dataSource())), flaky,
				app.context().getBean(JobHandlers.class), app.context().getBean(OjsQueues.class),
				JsonMapper.builder().build(), Duration.ofMillis(100), 3, this.clock);
	}

	@AfterEach
	void cleanUp() {
		jdbc.update("DELETE FROM jetway_ojs_crons");
	}

	@Test
	void aTransientFailureSpendsNoTickAndTheTickFiresInTheNextPoll() {
		register("transient", "allow");
		Instant tick = nextRun("transient");
		this.clock.now = tick.plusMillis(100);
		this.databaseDown.set(true);
		assertThat(this.crons.fireDue()).isZero();
		assertThat(nextRun("transient")).isEqualTo(tick);
		assertThat(runCount("transient")).isZero();
		this.databaseDown.set(false);
		assertThat(this.crons.fireDue()).isEqualTo(1);
		assertThat(runCount("transient")).isEqualTo(1);
		assertThat(nextRun("transient")).isAfter(tick);
	}

	@Test
	void aStoredCronThatCannotBeFiredDoesNotBlockTheOthers() {
		register("healthy", "allow");
		Instant tick = nextRun("healthy");
		// a row no release of the binding would write: its expression does not parse
		jdbc.update("INSERT INTO jetway_ojs_crons (name, id, expression, timezone, job_type, args, meta, queue, "
				+ "max_attempts, overlap_policy, enabled, created_at, next_run_at, last_run_at, last_job_id, "
				+ "run_count) VALUES ('broken', 'b', 'not a cron', 'UTC', 'test.echo', '[]', NULL, 'cron-firing', "
				+ "NULL, 'allow', TRUE, ?, ?, NULL, NULL, 0)", java.sql.Timestamp.from(START),
				java.sql.Timestamp.from(tick.minusSeconds(1)));
		this.clock.now = tick.plusMillis(100);
		assertThat(this.crons.fireDue()).isEqualTo(1);
		assertThat(runCount("healthy")).isEqualTo(1);
		// taken out of the due ones, so that it is not tried every poll
		this.clock.now = this.clock.now.plusSeconds(1);
		assertThat(this.crons.fireDue()).isEqualTo(1);
		assertThat(runCount("healthy")).isEqualTo(2);
		assertThat(jdbc.queryForObject("SELECT enabled FROM jetway_ojs_crons WHERE name = 'broken'", Boolean.class))
			.isFalse();
	}

	@Test
	void overlapSkipCountsAPreviousJobThatIsStillWaitingForAWorker() {
		register("waiting", "skip");
		for (int tick = 0; tick < 5; tick++) {
			this.clock.now = nextRun("waiting").plusMillis(100);
			this.crons.fireDue();
		}
		// nobody fetches queue cron-firing: the first tick's job still waits, the others
		// were skipped
		assertThat(runCount("waiting")).isEqualTo(1);
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs WHERE queue = 'cron-firing' AND "
				+ "idempotency_key LIKE 'ojs-cron:' || (SELECT id FROM jetway_ojs_crons WHERE name = 'waiting') || ':%'",
				Integer.class))
			.isEqualTo(1);
	}

	@Test
	void registrationsLargerThanTheColumnsOrBeyondTheCapAreRefusedNamingTheFieldAndTheLimit() {
		Map<String, Object> tooLong = Map.of("name", "long-expression", "cron", "0" + " ".repeat(300) + "0 * * * *",
				"type", "test.echo");
		assertRefused(tooLong, 400, "cron", "255");
		Map<String, Object> hugeArgs = Map.of("name", "huge-args", "cron", "@daily", "type", "test.echo", "args",
				List.of("x".repeat(70_000)));
		assertRefused(hugeArgs, 400, "args", "65535");
		// meta: the same check and answer as PUSH
		Map<String, Object> hugeMeta = Map.of("name", "huge-meta", "cron", "@daily", "type", "test.echo", "meta",
				Map.of("k", "x".repeat(5_000)));
		assertRefused(hugeMeta, 413, "meta", "4096");
		for (int index = 0; index < 3; index++) {
			register("capped-" + index, "allow");
		}
		assertRefused(Map.of("name", "one-too-many", "cron", "@daily", "type", "test.echo"), 400, "name",
				"jetway.jobs.ojs.max-crons is 3");
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_ojs_crons", Integer.class)).isEqualTo(3);
	}

	private void assertRefused(Map<String, Object> request, int status, String field, String limit) {
		assertThatExceptionOfType(OjsException.class)
			.isThrownBy(() -> this.crons.register(OjsTestApplication.json.valueToTree(request)))
			.satisfies((refused) -> {
				assertThat(refused.status().value()).isEqualTo(status);
				assertThat(refused.details()).containsEntry("field", field);
				assertThat(refused.getMessage()).contains(limit);
			});
	}

	private void register(String name, String overlap) {
		this.clock.now = START;
		this.crons.register(
				OjsTestApplication.json.valueToTree(Map.of("name", name, "cron", "* * * * * *", "type", "test.echo",
						"args", List.of(name), "options", Map.of("queue", "cron-firing"), "overlap_policy", overlap)));
	}

	private static Instant nextRun(String name) {
		return jdbc
			.queryForObject("SELECT next_run_at FROM jetway_ojs_crons WHERE name = ?", java.time.OffsetDateTime.class,
					name)
			.toInstant();
	}

	private static long runCount(String name) {
		Long count = jdbc.queryForObject("SELECT run_count FROM jetway_ojs_crons WHERE name = ?", Long.class, name);
		return (count != null) ? count : 0;
	}

	private static final class MovableClock extends Clock {

		volatile Instant now = START;

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
