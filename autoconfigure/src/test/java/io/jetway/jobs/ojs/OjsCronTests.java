package io.jetway.jobs.ojs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.jetway.jobs.ojs.OjsTestApplication.Response;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cron jobs registered over OJS ({@code /ojs/v1/cron}): validation and listing, a
 * per-second cron that fires once per tick while two application instances share the
 * database, and the default overlap policy (skip).
 */
class OjsCronTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@Test
	void aCronRegisteredOverHttpFiresOncePerTickAcrossTwoInstancesAndOutlivesTheInstanceItWasRegisteredOn()
			throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		try (OjsTestApplication second = OjsTestApplication.start(database, nats.url())) {
			try (OjsTestApplication first = OjsTestApplication.start(database, nats.url())) {
				Response registered = first.post("/ojs/v1/cron",
						Map.of("name", "every-second", "cron", "* * * * * *", "type", "test.echo", "args",
								List.of("tick"), "options", Map.of("queue", "cron-ticks"), "overlap_policy", "allow"));
				assertThat(registered.status()).isEqualTo(201);
				assertThat(registered.text("/cron_job/name")).isEqualTo("every-second");
				assertThat(registered.text("/cron/expression")).isEqualTo("* * * * * *");
				assertThat(registered.json().at("/cron/enabled").booleanValue()).isTrue();
				assertThat(Instant.parse(registered.text("/cron_job/next_run_at")))
					.isAfter(Instant.now().minusSeconds(1));
				// both instances see it: the database is its store
				assertThat(second.get("/ojs/v1/cron").json().at("/cron_jobs").findValuesAsString("name"))
					.containsExactly("every-second");
				await().atMost(Duration.ofSeconds(20)).until(() -> runCount(jdbc) >= 4);
			}
			// the instance it was registered on is gone: the other one goes on firing it
			long before = runCount(jdbc);
			await().atMost(Duration.ofSeconds(20)).until(() -> runCount(jdbc) >= before + 3);
			Response deleted = second.delete("/ojs/v1/cron/every-second");
			assertThat(deleted.status()).isEqualTo(200);
			assertThat(deleted.json().at("/deleted").booleanValue()).isTrue();
			long fired = deleted.json().at("/cron/run_count").longValue();
			// one job per fired tick, each tick once (a second firing of a tick would
			// count a
			// run its idempotency key swallowed)
			await().atMost(Duration.ofSeconds(5)).until(() -> jobs(jdbc) == fired);
			assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT idempotency_key) FROM jetway_jobs WHERE queue = "
					+ "'cron-ticks' AND idempotency_key LIKE 'ojs-cron:%'", Long.class))
				.isEqualTo(fired);
			assertThat(second.get("/ojs/v1/cron").json().at("/cron_jobs").size()).isZero();
			// unregistered: no more ticks
			await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> jobs(jdbc) == fired);
			// the jobs are ordinary external jobs a worker fetches
			Response fetched = second.fetch("cron-ticks", 30_000);
			assertThat(fetched.text("/jobs/0/type")).isEqualTo("test.echo");
			assertThat(fetched.text("/jobs/0/args/0")).isEqualTo("tick");
		}
		finally {
			OjsTestApplication.reset(database, nats.url());
		}
	}

	@Test
	void registrationIsValidatedAndListedAndTheDefaultOverlapPolicySkipsTicksWhileTheLastJobIsActive()
			throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		try (OjsTestApplication app = OjsTestApplication.start(database, nats.url())) {
			for (String invalid : List.of("not a valid cron", "0 0 0 0 0 0 0", "99 25 32 13 8", "*/0 * * * *",
					"@every 5m", "")) {
				Response refused = app.post("/ojs/v1/cron", template("bad", invalid, "q"));
				assertThat(refused.status()).as(invalid).isEqualTo(400);
				assertThat(refused.text("/error/code")).isEqualTo("invalid_request");
				assertThat(refused.text("/error/message")).isNotEmpty();
			}
			Map<String, Object> offset = new HashMap<>(template("offset", "0 9 * * *", "q"));
			offset.put("timezone", "+05:00");
			assertThat(app.post("/ojs/v1/cron", offset).status()).isEqualTo(400);
			assertThat(app.post("/ojs/v1/cron", template("Upper", "@daily", "q")).status()).isEqualTo(400);
			// the conformance suite's shape: expression and job_template
			Response daily = app.post("/ojs/v1/cron", template("daily-digest", "@daily", "cron-special"));
			assertThat(daily.status()).isEqualTo(201);
			assertThat(daily.text("/cron/expression")).isEqualTo("@daily");
			assertThat(Instant.parse(daily.text("/cron/next_run_at")).toString()).endsWith("T00:00:00Z");
			Map<String, Object> tokyo = new HashMap<>(template("tokyo", "0 9 * * *", "cron-special"));
			tokyo.put("timezone", "Asia/Tokyo");
			Response zoned = app.post("/ojs/v1/cron", tokyo);
			assertThat(zoned.status()).isEqualTo(201);
			assertThat(zoned.text("/cron/timezone")).isEqualTo("Asia/Tokyo");
			assertThat(Instant.parse(zoned.text("/cron/next_run_at")).toString()).endsWith("T00:00:00Z");
			assertThat(app.post("/ojs/v1/cron", template("daily-digest", "@hourly", "cron-special")).status())
				.isEqualTo(409);
			Response listed = app.get("/ojs/v1/cron?limit=1");
			assertThat(listed.json().at("/crons").findValuesAsString("name")).containsExactly("daily-digest");
			assertThat(listed.json().at("/pagination/total").intValue()).isEqualTo(2);
			assertThat(listed.json().at("/pagination/has_more").booleanValue()).isTrue();
			assertThat(app.delete("/ojs/v1/cron/no-such-cron").status()).isEqualTo(404);
			// skip (the default): no new job while the previous tick's job is active
			assertThat(app.post("/ojs/v1/cron", template("overlap", "* * * * * *", "cron-overlap")).status())
				.isEqualTo(201);
			// every job of the ticks so far is taken (active), the last tick's too (a
			// FETCH
			// waits up to 1 s, so a tick may enqueue a job while the first jobs are
			// fetched)
			List<String> taken = new ArrayList<>();
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				Response fetched = app.post("/ojs/v1/workers/fetch",
						Map.of("queues", List.of("cron-overlap"), "count", 10, "visibility_timeout_ms", 60_000));
				fetched.json().at("/jobs").forEach((job) -> taken.add(job.at("/id").asString()));
				return !taken.isEmpty() && fetched.json().at("/jobs").isEmpty();
			});
			long runs = overlapRuns(app);
			// (an empty FETCH waits 1 s)
			await().during(Duration.ofMillis(2500))
				.atMost(Duration.ofSeconds(8))
				.until(() -> app.fetch("cron-overlap", 30_000).json().at("/jobs").isEmpty());
			assertThat(overlapRuns(app)).isEqualTo(runs);
			taken.forEach(
					(id) -> assertThat(app.post("/ojs/v1/workers/ack", Map.of("job_id", id)).status()).isEqualTo(200));
			// done: the next tick enqueues again
			await().atMost(Duration.ofSeconds(10))
				.until(() -> app.fetch("cron-overlap", 30_000).json().at("/jobs").size() == 1);
			assertThat(app.delete("/ojs/v1/cron/overlap").status()).isEqualTo(200);
		}
		finally {
			OjsTestApplication.reset(database, nats.url());
		}
	}

	private static Map<String, Object> template(String name, String expression, String queue) {
		return Map.of("name", name, "expression", expression, "job_template", Map.of("type", "test.echo", "args",
				List.of(Map.of("action", "tick")), "options", Map.of("queue", queue)));
	}

	private static long overlapRuns(OjsTestApplication app) {
		return app.get("/ojs/v1/cron")
			.json()
			.at("/crons")
			.valueStream()
			.filter((cron) -> cron.at("/name").asString().equals("overlap"))
			.findFirst()
			.orElseThrow()
			.at("/run_count")
			.longValue();
	}

	private static long runCount(JdbcTemplate jdbc) {
		Long runs = jdbc.queryForObject("SELECT COALESCE(SUM(run_count), 0) FROM jetway_ojs_crons", Long.class);
		return (runs != null) ? runs : 0;
	}

	private static long jobs(JdbcTemplate jdbc) {
		Long jobs = jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs WHERE queue = 'cron-ticks'", Long.class);
		return (jobs != null) ? jobs : 0;
	}

}
