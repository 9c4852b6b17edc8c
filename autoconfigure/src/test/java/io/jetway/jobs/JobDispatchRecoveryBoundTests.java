package io.jetway.jobs;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

import io.jetway.jobs.JobsTests.TestHandlers;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.jobs.JobsTests.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bound docs/jobs.md ("How long a lost job waits") gives for the dispatch recovery: a
 * job committed just after the recovery noted the end of its next range is not in that
 * range, so it waits for the range after it: at least twice {@code recovery-delay}, and
 * at most twice ({@code recovery-delay} + {@code recovery-interval}) plus a round, not
 * "about recovery-delay plus recovery-interval" as the page said before. Real nats-server
 * and PostgreSQL.
 */
class JobDispatchRecoveryBoundTests {

	private static final Duration DELAY = Duration.ofSeconds(3);

	private static final Duration INTERVAL = Duration.ofMillis(500);

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@Test
	void aJobCommittedJustAfterARangeEndWasNotedIsPublishedAfterTwiceTheDelayWithinTwiceDelayPlusInterval()
			throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		JobsTests.reset(database, nats.url());
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		contextRunner(database, nats.url())
			.withPropertyValues("jetway.jobs.dispatch.recovery-delay=" + DELAY.toMillis() + "ms",
					"jetway.jobs.dispatch.recovery-interval=" + INTERVAL.toMillis() + "ms")
			.run((context) -> {
				JobClient jobs = context.getBean(JobClient.class);
				// the first round creates the progress row; the first advance notes a new
				// range end (next_below_at) once the initial range is due
				await().atMost(Duration.ofSeconds(10)).until(() -> rangeEndNotedAt(jdbc) != null);
				OffsetDateTime first = rangeEndNotedAt(jdbc);
				await().atMost(DELAY.plusSeconds(15))
					.pollInterval(Duration.ofMillis(10))
					.until(() -> !first.equals(rangeEndNotedAt(jdbc)));
				// committed as by an instance that stopped right after the commit: the
				// dispatcher never heard of it, and its transaction began after the range
				// end
				UUID id = UUID.randomUUID();
				long committed = System.nanoTime();
				jdbc.update("INSERT INTO jetway_jobs (id, type, queue, status, max_attempts, payload, created_at, "
						+ "run_at, updated_at, enqueue_xid) VALUES (?, 'greet', 'default', 'pending', 3, "
						+ "'{\"name\":\"just-after\"}', now(), now(), now(), pg_current_xact_id())", id);
				Duration worstCase = DELAY.plus(INTERVAL).multipliedBy(2);
				await().atMost(worstCase.plusSeconds(15))
					.pollInterval(Duration.ofMillis(20))
					.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
				Duration waited = Duration.ofNanos(System.nanoTime() - committed);
				assertThat(TestHandlers.greeted).containsExactly("just-after");
				// not within recovery-delay + recovery-interval (3.5 s): the next range
				// must
				// become due first, then the job's own range, each recovery-delay after
				// its
				// end was noted (less the time from the noted end to this commit)
				assertThat(waited).isGreaterThan(DELAY.multipliedBy(2).minusSeconds(1))
					.isGreaterThan(DELAY.plus(INTERVAL));
				// the bound plus the rounds' own time and the job's run on a busy machine
				assertThat(waited).isLessThan(worstCase.plusSeconds(3));
			});
	}

	private static OffsetDateTime rangeEndNotedAt(JdbcTemplate jdbc) {
		return jdbc.query("SELECT next_below_at FROM jetway_job_dispatch",
				(rows) -> rows.next() ? rows.getObject("next_below_at", OffsetDateTime.class) : null);
	}

}
