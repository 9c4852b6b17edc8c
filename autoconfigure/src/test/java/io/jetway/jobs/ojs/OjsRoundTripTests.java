package io.jetway.jobs.ojs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.jetway.jobs.ojs.OjsTestApplication.Response;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The statements OJS sends for its records ({@code jetway_jobs.ojs_policy},
 * {@code ojs_errors}, {@code expires_at} and {@code ojs_envelope}): one per FETCH,
 * heartbeat, dead letter page, INFO and batch PUSH, whatever their number of jobs.
 * Counted by a data source that records every statement prepared.
 */
class OjsRoundTripTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final Queue<String> statements = new ConcurrentLinkedQueue<>();

	private static TestDatabaseInstance database;

	private static OjsTestApplication app;

	@BeforeAll
	static void start() throws Exception {
		database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		app = OjsTestApplication.start(CountingApp.class, database, nats.url(),
				"jetway.jobs.ojs.conformance-test-directives-enabled=false");
	}

	@AfterAll
	static void stop() throws Exception {
		app.close();
		OjsTestApplication.reset(database, nats.url());
	}

	/**
	 * A statement that reads or writes a job's OJS record: selects one of its columns
	 * from jetway_jobs, or sets one.
	 */
	private static final Pattern RECORD_STATEMENT = Pattern
		.compile("(?is)(SELECT\\b((?!\\bFROM\\b).)*\\b" + "(ojs_policy|ojs_errors|expires_at|ojs_envelope)\\b"
				+ ".*\\bFROM\\s+jetway_jobs\\b.*)|(UPDATE\\s+jetway_jobs\\s+SET\\b((?!\\bWHERE\\b).)*\\b"
				+ "(ojs_policy|ojs_errors|expires_at|ojs_envelope)\\b.*)");

	/** The statements on OJS's records that running the call prepared. */
	private static List<String> recordStatements(Runnable call) {
		return statements(call).stream().filter((sql) -> RECORD_STATEMENT.matcher(sql).matches()).toList();
	}

	/** The statements that running the call prepared. */
	private static List<String> statements(Runnable call) {
		statements.clear();
		call.run();
		return new ArrayList<>(statements);
	}

	private static List<String> pushBatch(String queue, int count, Map<String, Object> retry) {
		List<Map<String, Object>> jobs = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			jobs.add(Map.of("type", "test.fail_always", "args", List.of(i), "options",
					Map.of("queue", queue, "retry", retry, "priority", i, "expires_at", "+PT1H"), "x-trace", "t" + i));
		}
		Response pushed = app.post("/ojs/v1/jobs/batch", Map.of("jobs", jobs));
		assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
		return pushed.json().at("/jobs").findValuesAsString("id");
	}

	private static Response fetchAll(String queue, int count) {
		Response[] fetched = new Response[1];
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			fetched[0] = app.post("/ojs/v1/workers/fetch", Map.of("queues", List.of(queue), "count", count));
			return fetched[0].json().at("/jobs").size() == count;
		});
		return fetched[0];
	}

	@Test
	void aBatchPushStoresItsRecordsInOneStatement() {
		Map<String, Object> retry = Map.of("max_attempts", 1, "on_exhaustion", "dead_letter");
		List<String>[] ids = new List[1];
		List<String> sql = recordStatements(() -> ids[0] = pushBatch("ojs-round-trips-push", 5, retry));
		assertThat(ids[0]).hasSize(5);
		assertThat(sql).as("statements on OJS records").hasSize(1);
	}

	@Test
	void anInfoReadsTheRecordOnceAndWritesNothingForAJobNotExpired() {
		String id = pushBatch("ojs-round-trips-info", 1, Map.of("max_attempts", 1)).get(0);
		Response[] info = new Response[1];
		List<String> sql = statements(() -> info[0] = app.get("/ojs/v1/jobs/" + id));
		assertThat(info[0].status()).as(info[0].body()).isEqualTo(200);
		assertThat(info[0].json().at("/job/priority").intValue()).isZero();
		assertThat(info[0].text("/job/x-trace")).isEqualTo("t0");
		assertThat(info[0].text("/job/expires_at")).isNotEmpty();
		assertThat(sql.stream().filter((statement) -> RECORD_STATEMENT.matcher(statement).matches()))
			.as("statements on OJS records of an INFO")
			.hasSize(1);
		assertThat(sql.stream().filter((statement) -> statement.strip().toUpperCase(Locale.ROOT).startsWith("UPDATE")))
			.as("updates of an INFO")
			.isEmpty();
		app.delete("/ojs/v1/jobs/" + id);
	}

	@Test
	void aFetchAHeartbeatAndADeadLetterPageReadTheRecordsOfAllTheirJobsAtOnce() {
		String queue = "ojs-round-trips";
		Map<String, Object> retry = Map.of("max_attempts", 1, "on_exhaustion", "dead_letter");
		List<String> ids = pushBatch(queue, 5, retry);
		// the FETCH of the first job waits for the consumer, the counted one claims 4
		Response first = fetchAll(queue, 1);
		Response[] fetched = new Response[1];
		List<String> fetchSql = recordStatements(() -> fetched[0] = fetchAll(queue, 4));
		assertThat(fetchSql).as("statements on OJS records of a FETCH of 4 jobs").hasSize(1);
		List<String> all = new ArrayList<>(fetched[0].json().at("/jobs").findValuesAsString("id"));
		all.add(first.text("/jobs/0/id"));
		assertThat(all).containsExactlyInAnyOrderElementsOf(ids);

		List<String> beatSql = recordStatements(() -> assertThat(
				app.post("/ojs/v1/workers/heartbeat", Map.of("worker_id", "w-round-trips", "active_jobs", all))
					.json()
					.at("/jobs_extended")
					.size())
			.isEqualTo(5));
		assertThat(beatSql).as("statements on OJS records of a heartbeat of 5 jobs").hasSize(1);

		for (String id : all) {
			app.post("/ojs/v1/workers/nack",
					Map.of("job_id", id, "error", Map.of("code", "handler_error", "message", "no")));
		}
		List<String> listSql = recordStatements(() -> assertThat(
				app.get("/ojs/v1/dead-letter?queue=" + queue).json().at("/jobs").findValuesAsString("id"))
			.containsExactlyInAnyOrderElementsOf(ids));
		assertThat(listSql).as("statements on OJS records of a dead letter page of 5 jobs").hasSize(1);
		ids.forEach((id) -> app.delete("/ojs/v1/dead-letter/" + id));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class CountingApp {

		@Bean
		static BeanPostProcessor countingDataSource() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					return (bean instanceof DataSource dataSource) ? counting(dataSource) : bean;
				}

			};
		}

		private static DataSource counting(DataSource dataSource) {
			return (DataSource) Proxy.newProxyInstance(CountingApp.class.getClassLoader(),
					new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
						Object result = invoke(method, dataSource, args);
						return (result instanceof Connection connection) ? counting(connection) : result;
					});
		}

		private static Connection counting(Connection connection) {
			return (Connection) Proxy.newProxyInstance(CountingApp.class.getClassLoader(),
					new Class<?>[] { Connection.class }, (proxy, method, args) -> {
						if (method.getName().startsWith("prepare") && args != null && args[0] instanceof String sql) {
							statements.add(sql);
						}
						return invoke(method, connection, args);
					});
		}

		private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}

	}

}
