package io.jetway.jobs;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.jetway.jobs.JobMessages.JobMessage;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * PostgreSQL access for {@link JobDispatchRecovery}: the progress row in
 * {@code jetway_job_dispatch} and the pending jobs of a range of enqueuing transactions
 * ({@code jetway_jobs.enqueue_xid}, 64-bit transaction ids, exchanged as text).
 */
class JobDispatchRepository {

	private static final String NAME = "jobs";

	private static final UUID FIRST_ID = new UUID(0, 0);

	/**
	 * Pending jobs that never ran, of the transactions from a position (transaction id
	 * and job id) up to an end, in order.
	 */
	static final String PENDING = "SELECT id, type, queue, enqueue_xid::text AS xid FROM jetway_jobs "
			+ "WHERE enqueue_xid IS NOT NULL AND (enqueue_xid, id) > (CAST(? AS xid8), ?) "
			+ "AND enqueue_xid < CAST(? AS xid8) AND status = 'pending' AND attempts = 0 "
			+ "ORDER BY enqueue_xid, id LIMIT ?";

	private final JdbcTemplate jdbc;

	JobDispatchRepository(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Takes the recovery lease until {@code until} unless another instance holds it,
	 * creating the progress row on first use.
	 * @return the progress, or {@code null} when another instance holds the lease
	 */
	@Nullable Progress lease(Instant now, Instant until) {
		this.jdbc.update("INSERT INTO jetway_job_dispatch (name, checked_below, next_below, next_below_at, "
				+ "lease_until) VALUES (?, '0', pg_snapshot_xmin(pg_current_snapshot()), ?, ?) "
				+ "ON CONFLICT (name) DO NOTHING", NAME, Timestamp.from(now), Timestamp.from(now));
		List<Progress> leased = this.jdbc
			.query("UPDATE jetway_job_dispatch SET lease_until = ? WHERE name = ? AND lease_until <= ? "
					+ "RETURNING checked_below::text AS checked_below, next_below::text AS next_below, next_below_at",
					(rows, rowNum) -> new Progress(Long.parseLong(rows.getString("checked_below")),
							Long.parseLong(rows.getString("next_below")),
							rows.getTimestamp("next_below_at").toInstant()),
					Timestamp.from(until), NAME, Timestamp.from(now));
		return leased.isEmpty() ? null : leased.get(0);
	}

	/**
	 * Records that every job of a transaction below {@code checkedBelow} was dispatched,
	 * notes the oldest transaction running now as the end of the next range, and gives up
	 * the lease; only if the progress is still {@code previous}.
	 */
	boolean advance(long previous, long checkedBelow, Instant now) {
		return this.jdbc.update(
				"UPDATE jetway_job_dispatch SET checked_below = CAST(? AS xid8), "
						+ "next_below = pg_snapshot_xmin(pg_current_snapshot()), next_below_at = ?, lease_until = ? "
						+ "WHERE name = ? AND checked_below = CAST(? AS xid8)",
				Long.toString(checkedBelow), Timestamp.from(now), Timestamp.from(now), NAME,
				Long.toString(previous)) == 1;
	}

	/** Gives up the lease taken until {@code until}, if still held. */
	void release(Instant until, Instant now) {
		this.jdbc.update("UPDATE jetway_job_dispatch SET lease_until = ? WHERE name = ? AND lease_until = ?",
				Timestamp.from(now), NAME, Timestamp.from(until));
	}

	/**
	 * Pending jobs that never ran, of transactions from {@code from} up to (excluding)
	 * {@code below}, after the given position, in transaction and id order.
	 */
	List<Undispatched> pending(long from, UUID afterId, long below, int limit) {
		return this.jdbc.query(PENDING,
				(rows, rowNum) -> new Undispatched(new JobMessage(rows.getObject("id", UUID.class),
						rows.getString("type"), rows.getString("queue")), Long.parseLong(rows.getString("xid"))),
				Long.toString(from), afterId, Long.toString(below), limit);
	}

	static UUID firstId() {
		return FIRST_ID;
	}

	/**
	 * How far the recovery got.
	 *
	 * @param checkedBelow every job of a transaction below this was dispatched
	 * @param nextBelow the end of the next range: the oldest transaction running at
	 * {@code nextBelowAt}
	 * @param nextBelowAt when {@code nextBelow} was read
	 */
	record Progress(long checkedBelow, long nextBelow, Instant nextBelowAt) {
	}

	/**
	 * A pending job that may have no message.
	 *
	 * @param job the job
	 * @param xid its enqueuing transaction
	 */
	record Undispatched(JobMessage job, long xid) {
	}

}
