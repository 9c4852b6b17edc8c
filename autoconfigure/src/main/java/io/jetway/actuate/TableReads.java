package io.jetway.actuate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import io.jetway.jdbc.DatabaseType;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The read-only queries of the health indicator and the endpoint on Jetway's tables, each
 * with a query timeout half a second or more under {@code jetway.health.timeout} (whole
 * seconds, at least 1), so that a slow query is cancelled by the database (reported as
 * such, see {@link #isQueryTimeout}) before the caller stops waiting. The pending outbox
 * rows are counted up to a cap and the oldest is found in the order of the pending index
 * ({@code available_at, id}), so that neither reads more of a backlog than the cap; the
 * job queries read {@code jetway_jobs} without an index on the status (it has none, so
 * that state changes write no index): the running jobs are few, and the count per queue
 * and status scans the table, so the endpoint runs it only when asked.
 */
class TableReads {

	/** The most running jobs read for the stuck-job check. */
	static final int MAX_RUNNING_JOBS = 10_000;

	/** Counts pending outbox rows up to a cap: one index row each, at most the cap. */
	static final String OUTBOX_PENDING_COUNT = "SELECT COUNT(*) FROM "
			+ "(SELECT 1 FROM jetway_outbox WHERE status = 'pending' LIMIT ?) t";

	/** The pending outbox row first in the relay's order: one index row. */
	static final String OUTBOX_FIRST_PENDING = "SELECT created_at FROM jetway_outbox WHERE status = 'pending' "
			+ "ORDER BY available_at, id LIMIT 1";

	/** The most pending outbox rows the endpoint counts. */
	static final long MAX_COUNTED_PENDING = 1_000_000;

	/**
	 * SQL states of a statement cancelled by its query timeout: PostgreSQL and H2
	 * {@code 57014}, MariaDB and MySQL {@code 70100}.
	 */
	private static final Set<String> QUERY_TIMEOUT_STATES = Set.of("57014", "70100");

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	TableReads(DataSource dataSource, DatabaseType databaseType, Duration timeout) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.setQueryTimeout((int) Math.max(1, (timeout.toMillis() - 500) / 1000));
		this.databaseType = databaseType;
		this.jdbc.setMaxRows(MAX_RUNNING_JOBS);
	}

	/**
	 * @param cap the most rows counted
	 * @return pending outbox rows (at most {@code cap}) and the creation time of the
	 * first in the relay's order (the earliest {@code available_at})
	 */
	Pending outboxPending(long cap) {
		Long count = this.jdbc.queryForObject(OUTBOX_PENDING_COUNT, Long.class, cap);
		List<@Nullable Instant> oldest = this.jdbc.query(OUTBOX_FIRST_PENDING,
				(rows, row) -> this.databaseType.getInstant(rows, "created_at"));
		long pending = (count != null) ? count : 0;
		return new Pending(pending, pending >= cap, oldest.isEmpty() ? null : oldest.get(0));
	}

	/**
	 * @param status an outbox status column value
	 * @return the rows in that status
	 */
	long outboxCount(String status) {
		Long count = this.jdbc.queryForObject("SELECT COUNT(*) FROM jetway_outbox WHERE status = ?", Long.class,
				status);
		return (count != null) ? count : 0;
	}

	/**
	 * @return the start times of running jobs, per queue (at most
	 * {@link #MAX_RUNNING_JOBS})
	 */
	Map<String, List<Instant>> runningJobs() {
		Map<String, List<Instant>> running = new TreeMap<>();
		this.jdbc.query("SELECT queue, started_at FROM jetway_jobs WHERE status = 'running'", (ResultSet rows) -> {
			Instant startedAt = this.databaseType.getInstant(rows, "started_at");
			if (startedAt != null) {
				running.computeIfAbsent(rows.getString("queue"), (queue) -> new ArrayList<>()).add(startedAt);
			}
		});
		return running;
	}

	/**
	 * @return job counts per queue, then per status
	 */
	Map<String, Map<String, Long>> jobCounts() {
		Map<String, Map<String, Long>> counts = new TreeMap<>();
		this.jdbc.query("SELECT queue, status, COUNT(*) AS jobs FROM jetway_jobs GROUP BY queue, status",
				(ResultSet rows) -> {
					counts.computeIfAbsent(rows.getString("queue"), (queue) -> new TreeMap<>())
						.put(rows.getString("status"), rows.getLong("jobs"));
				});
		return counts;
	}

	/**
	 * @return the paused job queues
	 */
	List<String> pausedQueues() {
		return this.jdbc.queryForList("SELECT queue FROM jetway_job_queues WHERE paused = ? ORDER BY queue",
				String.class, true);
	}

	/**
	 * @return the cron schedules by name, with their next and last fire times
	 */
	Map<String, Schedule> schedules() {
		Map<String, Schedule> schedules = new LinkedHashMap<>();
		this.jdbc.query("SELECT name, next_fire_at, last_fire_at FROM jetway_job_schedules ORDER BY name",
				(ResultSet rows) -> {
					schedules.put(rows.getString("name"),
							new Schedule(this.databaseType.getInstant(rows, "next_fire_at"),
									this.databaseType.getInstant(rows, "last_fire_at")));
				});
		return schedules;
	}

	/**
	 * @param ex what a read threw
	 * @return whether it is a query the database cancelled at its query timeout: the
	 * database answers, slowly
	 */
	static boolean isQueryTimeout(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof QueryTimeoutException || cause instanceof SQLTimeoutException) {
				return true;
			}
			if (cause instanceof SQLException sql && QUERY_TIMEOUT_STATES.contains(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Pending outbox rows.
	 *
	 * @param count how many, at most the cap they were counted to
	 * @param capped whether the count reached its cap (there may be more)
	 * @param oldestCreatedAt when the first row in the relay's order was written, or
	 * {@code null} when none is
	 */
	record Pending(long count, boolean capped, @Nullable Instant oldestCreatedAt) {

		Duration oldestAge(Instant now) {
			return (this.oldestCreatedAt != null) ? Duration.between(this.oldestCreatedAt, now) : Duration.ZERO;
		}

	}

	/**
	 * A cron schedule's row.
	 *
	 * @param nextFireAt its next tick
	 * @param lastFireAt its last fired tick, or {@code null}
	 */
	record Schedule(@Nullable Instant nextFireAt, @Nullable Instant lastFireAt) {
	}

}
