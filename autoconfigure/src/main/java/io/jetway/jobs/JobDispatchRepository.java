package io.jetway.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
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
	static final String PENDING = "SELECT id, type, queue, meta, created_at, enqueue_xid::text AS xid FROM jetway_jobs "
			+ "WHERE enqueue_xid IS NOT NULL AND (enqueue_xid, id) > (CAST(? AS xid8), ?) "
			+ "AND enqueue_xid < CAST(? AS xid8) AND status = 'pending' AND attempts = 0 "
			+ "ORDER BY enqueue_xid, id LIMIT ?";

	/**
	 * The oldest running transaction id, whether any runs at all (the snapshot's xmin
	 * below its xmax), and the session (or prepared transaction) holding it. The 64-bit
	 * id is matched to the 32-bit ids of pg_stat_activity and pg_prepared_xacts.
	 */
	static final String OLDEST_TRANSACTION = "SELECT s.xmin::text AS xmin, s.xmin < s.xmax AS running, "
			+ "extract(epoch FROM now() - coalesce(a.xact_start, p.prepared)) AS open_seconds, a.pid, a.state, "
			+ "a.usename, a.datname, a.application_name, a.client_addr::text AS client, p.gid FROM "
			+ "(SELECT pg_snapshot_xmin(c.snapshot) AS xmin, pg_snapshot_xmax(c.snapshot) AS xmax, "
			+ "(pg_snapshot_xmin(c.snapshot)::text::numeric % 4294967296)::text AS xid32 "
			+ "FROM (SELECT pg_current_snapshot() AS snapshot) c) s "
			+ "LEFT JOIN LATERAL (SELECT pid, state, usename, datname, application_name, client_addr, xact_start "
			+ "FROM pg_stat_activity WHERE backend_xid::text = s.xid32 LIMIT 1) a ON true "
			+ "LEFT JOIN LATERAL (SELECT gid, prepared FROM pg_prepared_xacts WHERE transaction::text = s.xid32 "
			+ "LIMIT 1) p ON true";

	private final JdbcTemplate jdbc;

	JobDispatchRepository(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Takes the recovery lease for {@code lease} unless another instance holds it,
	 * creating the progress row on first use. Times are the database's, so instances with
	 * different clocks agree.
	 * @param lease how long the lease lasts
	 * @param delay how old the end of the next range must be for it to be due
	 * @return the progress, or {@code null} when another instance holds the lease
	 */
	@Nullable Progress lease(Duration lease, Duration delay) {
		this.jdbc.update("INSERT INTO jetway_job_dispatch (name, checked_below, next_below, next_below_at, "
				+ "lease_until) VALUES (?, '0', pg_snapshot_xmin(pg_current_snapshot()), now(), now()) "
				+ "ON CONFLICT (name) DO NOTHING", NAME);
		List<Progress> leased = this.jdbc.query(
				"UPDATE jetway_job_dispatch SET lease_until = now() + "
						+ "make_interval(secs => ?) WHERE name = ? AND lease_until <= now() RETURNING "
						+ "checked_below::text AS checked_below, next_below::text AS next_below, "
						+ "next_below_at <= now() - make_interval(secs => ?) AS due, lease_until",
				(rows, rowNum) -> new Progress(Long.parseLong(rows.getString("checked_below")),
						Long.parseLong(rows.getString("next_below")), rows.getBoolean("due"),
						rows.getObject("lease_until", OffsetDateTime.class)),
				seconds(lease), NAME, seconds(delay));
		return leased.isEmpty() ? null : leased.get(0);
	}

	/**
	 * Records that every job of a transaction below {@code checkedBelow} was dispatched,
	 * notes the oldest transaction running now as the end of the next range, and gives up
	 * the lease; only if the progress is still {@code previous}.
	 */
	boolean advance(long previous, long checkedBelow) {
		return this.jdbc.update(
				"UPDATE jetway_job_dispatch SET checked_below = CAST(? AS xid8), "
						+ "next_below = pg_snapshot_xmin(pg_current_snapshot()), next_below_at = now(), "
						+ "lease_until = now() WHERE name = ? AND checked_below = CAST(? AS xid8)",
				Long.toString(checkedBelow), NAME, Long.toString(previous)) == 1;
	}

	/** Gives up a lease, if still held. */
	void release(Progress leased) {
		this.jdbc.update("UPDATE jetway_job_dispatch SET lease_until = now() WHERE name = ? AND lease_until = ?", NAME,
				leased.leaseUntil());
	}

	private static double seconds(Duration duration) {
		return duration.toMillis() / 1000.0;
	}

	/**
	 * Pending jobs that never ran, of transactions from {@code from} up to (excluding)
	 * {@code below}, after the given position, in transaction and id order.
	 */
	List<Undispatched> pending(long from, UUID afterId, long below, int limit) {
		return this.jdbc.query(PENDING, (rows,
				rowNum) -> new Undispatched(new JobMessage(rows.getObject("id", UUID.class), rows.getString("type"),
						rows.getString("queue"), rows.getString("meta"), rows.getTimestamp("created_at").toInstant()),
						Long.parseLong(rows.getString("xid"))),
				Long.toString(from), afterId, Long.toString(below), limit);
	}

	/**
	 * The oldest transaction still running anywhere in the cluster (what
	 * {@code pg_snapshot_xmin} stops at), with its session or prepared transaction where
	 * this database user may see it.
	 */
	OldestTransaction oldestTransaction() {
		return this.jdbc.queryForObject(OLDEST_TRANSACTION, (rows, rowNum) -> {
			double seconds = rows.getDouble("open_seconds");
			Duration open = rows.wasNull() ? null : Duration.ofMillis((long) (seconds * 1000));
			return new OldestTransaction(Long.parseLong(rows.getString("xmin")), rows.getBoolean("running"), open,
					session(rows));
		});
	}

	private static @Nullable String session(ResultSet rows) throws SQLException {
		String gid = rows.getString("gid");
		if (gid != null) {
			return "prepared transaction '" + gid + "'";
		}
		int pid = rows.getInt("pid");
		if (rows.wasNull()) {
			return null;
		}
		String state = rows.getString("state");
		return "pid " + pid
				+ ((state != null) ? ", state '" + state + "', user " + rows.getString("usename") + ", database "
						+ rows.getString("datname") + ", application '" + rows.getString("application_name")
						+ "', client " + rows.getString("client") : ", details hidden from this database user");
	}

	static UUID firstId() {
		return FIRST_ID;
	}

	/**
	 * How far the recovery got, as a lease returned it.
	 *
	 * @param checkedBelow every job of a transaction below this was dispatched
	 * @param nextBelow the end of the next range: the oldest transaction that was running
	 * when it was read
	 * @param due whether that was longer ago than the recovery delay
	 * @param leaseUntil the lease taken
	 */
	record Progress(long checkedBelow, long nextBelow, boolean due, OffsetDateTime leaseUntil) {
	}

	/**
	 * The oldest transaction still running in the cluster.
	 *
	 * @param xid its 64-bit id, or the next id to be assigned when none runs
	 * @param running whether any transaction that was given an id is running
	 * @param open how long it has been open, or {@code null} when this database user
	 * cannot see its session
	 * @param session who holds it, for logs, or {@code null} when not visible
	 */
	record OldestTransaction(long xid, boolean running, @Nullable Duration open, @Nullable String session) {
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
