package io.jetway.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.test.process.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs whose application dies: {@link JobChildApplication} in a child JVM that halts
 * itself or is killed with SIGKILL, and is started again.
 */
class JobCrashTests {

	private static final Duration START = Duration.ofSeconds(60);

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@Test
	void aHandlerThatKillsItsJvmFailsTheJobAfterMaxAttempts() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		// max-attempts 3: each of the first three starts runs one attempt and dies in it
		for (int attempt = 1; attempt <= 3; attempt++) {
			String[] enqueue = (attempt == 1) ? new String[] { "--child.enqueue.type=halt", "--child.enqueue.count=1" }
					: new String[0];
			try (JavaProcess child = child(database, 3, enqueue)) {
				assertThat(child.awaitExitCode(START)).as("exit code of start %d", attempt).isEqualTo(1);
				assertThat(child.log()).contains("halting in attempt " + attempt);
			}
		}
		// the fourth start gets the redelivery of the job's message: its last attempt was
		// abandoned, so the job fails instead of running a fourth time
		try (JavaProcess child = child(database, 3)) {
			child.awaitLine(Pattern.compile("child ready"), START);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> "failed".equals(jdbc.queryForObject("SELECT status FROM jetway_jobs", String.class)));
			Map<String, Object> job = jdbc.queryForMap("SELECT attempts, error, completed_at FROM jetway_jobs");
			assertThat(job.get("attempts")).isEqualTo(3);
			assertThat((String) job.get("error"))
				.isEqualTo("attempt 3 was abandoned (worker died or lost NATS) and max-attempts 3 is reached");
			assertThat(job.get("completed_at")).isNotNull();
			assertThat(child.isAlive()).isTrue();
			assertThat(child.log()).doesNotContain("halting in attempt");
			child.stop();
		}
	}

	@Test
	void aTransactionalHandlersEffectsAreExactlyOnceAcrossKills() throws Exception {
		int jobs = 3000;
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		jdbc.execute("DROP TABLE IF EXISTS child_effects");
		// no unique constraint: a duplicated effect would be a second row
		jdbc.execute("CREATE TABLE child_effects (job_id VARCHAR(36) NOT NULL, attempt INTEGER NOT NULL)");
		List<Integer> effectsAtKills = new ArrayList<>();
		JavaProcess child = child(database, 10, "--child.enqueue.type=effect", "--child.enqueue.count=" + jobs);
		try {
			child.awaitLine(Pattern.compile("enqueued " + jobs), START);
			for (double share : new double[] { 0.2, 0.45, 0.7 }) {
				await().atMost(START).until(() -> effects(jdbc) >= share * jobs);
				child.kill();
				effectsAtKills.add(effects(jdbc));
				child.close();
				child = child(database, 10);
			}
			await().atMost(Duration.ofSeconds(120))
				.until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs WHERE status = 'completed'",
						Integer.class) == jobs);
			child.stop();
		}
		finally {
			child.close();
		}
		// each kill landed while jobs ran
		assertThat(effectsAtKills).allMatch((count) -> count < jobs);
		assertThat(jdbc.queryForList("SELECT job_id FROM child_effects GROUP BY job_id HAVING COUNT(*) > 1")).isEmpty();
		assertThat(effects(jdbc)).isEqualTo(jobs);
		// the kills did take running jobs over: their attempts were rolled back
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs WHERE attempts > 1", Integer.class))
			.isPositive();
	}

	private static int effects(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT COUNT(*) FROM child_effects", Integer.class);
	}

	private static JavaProcess child(TestDatabaseInstance database, int maxAttempts, String... arguments) {
		List<String> all = new ArrayList<>(List.of("--spring.datasource.url=" + database.url(),
				"--spring.datasource.username=" + database.username(),
				"--spring.datasource.password=" + database.password(), "--jetway.nats.servers=" + nats.url(),
				"--jetway.jdbc.initialize-schema=always", "--jetway.outbox.relay.poll-interval=100ms",
				"--jetway.jobs.poll-interval=100ms", "--jetway.jobs.queues.child.ack-wait=1s",
				"--jetway.jobs.queues.child.concurrency=4", "--jetway.jobs.queues.child.max-attempts=" + maxAttempts,
				"--jetway.jobs.dispatch.recovery-delay=2s", "--jetway.jobs.dispatch.recovery-interval=500ms",
				"--logging.level.root=WARN", "--spring.main.banner-mode=off"));
		all.addAll(List.of(arguments));
		return JavaProcess.builder(JobChildApplication.class)
			.jvmOption("-Xmx256m")
			// starts faster: the child runs for seconds only
			.jvmOption("-XX:TieredStopAtLevel=1")
			.jvmOption("-XX:+UseSerialGC")
			.args(all.toArray(String[]::new))
			.start();
	}

}
