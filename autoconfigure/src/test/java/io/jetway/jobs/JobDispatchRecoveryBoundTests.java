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
 * "about recovery-delay plus recovery-interval" as the page said before. Measured in the
 * database, from the noted range end to the job's start, so that a loaded machine's
 * delays of the test itself do not count. Real nats-server and PostgreSQL.
 */
class JobDispatchRecoveryBoundTests {

	private static final Duration DELAY = Duration.ofSeconds(5);

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
				await().atMost(DELAY.plusSeconds(30))
					.pollInterval(Duration.ofMillis(10))
					.until(() -> !first.equals(rangeEndNotedAt(jdbc)));
				// committed as by an instance that stopped right after the commit: the
				// dispatcher never heard of it, and its transaction began after the range
				// end noted at rangeEnd (read first, so the job is in a later range)
				OffsetDateTime rangeEnd = rangeEndNotedAt(jdbc);
				UUID id = UUID.randomUUID();
				jdbc.update("INSERT INTO jetway_jobs (id, type, queue, status, max_attempts, payload, created_at, "
						+ "run_at, updated_at, enqueue_xid) VALUES (?, 'greet', 'default', 'pending', 3, "
						+ "'{\"name\":\"just-after\"}', now(), now(), now(), pg_current_xact_id())", id);
				Duration worstCase = DELAY.plus(INTERVAL).multipliedBy(2);
				await().atMost(worstCase.plusSeconds(30))
					.pollInterval(Duration.ofMillis(50))
					.until(() -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED);
				assertThat(TestHandlers.greeted).containsExactly("just-after");
				// measured in the database (the range end's note, the job's commit and
				// its
				// start), so that the test's own delays on a loaded machine do not count
				OffsetDateTime createdAt = jdbc.queryForObject("SELECT created_at FROM jetway_jobs WHERE id = ?",
						OffsetDateTime.class, id);
				OffsetDateTime startedAt = jdbc.queryForObject("SELECT started_at FROM jetway_jobs WHERE id = ?",
						OffsetDateTime.class, id);
				assertThat(createdAt).isAfterOrEqualTo(rangeEnd);
				Duration sinceRangeEnd = Duration.between(rangeEnd, startedAt);
				// not within recovery-delay + recovery-interval (5.5 s): the next range
				// must
				// become due first (D after rangeEnd), then the job's own range, D after
				// its
				// end was noted; a lower bound no load can break (delays only add)
				assertThat(sinceRangeEnd).isGreaterThanOrEqualTo(DELAY.multipliedBy(2).minusMillis(100))
					.isGreaterThan(DELAY.plus(INTERVAL));
				// at most 2 x (D + I) (11 s) plus the rounds' own time and the worker's
				// claim: 3.5 s of margin for those on a loaded machine, still below the
				// 3 x D (15 s) that a job waiting one range more would take at least
				Duration limit = worstCase.plusMillis(3500);
				assertThat(limit).isLessThan(DELAY.multipliedBy(3));
				assertThat(sinceRangeEnd).isLessThan(limit);
			});
	}

	private static OffsetDateTime rangeEndNotedAt(JdbcTemplate jdbc) {
		return jdbc.query("SELECT next_below_at FROM jetway_job_dispatch",
				(rows) -> rows.next() ? rows.getObject("next_below_at", OffsetDateTime.class) : null);
	}

}
