package io.jetway.actuate;

import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import io.jetway.jdbc.DatabaseType;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The read-only queries of the health indicator and the endpoint on Jetway's tables, each
 * with a query timeout. The outbox counts use the partial index of their status; the job
 * queries read {@code jetway_jobs} without an index on the status (it has none, so that
 * state changes write no index): the running jobs are few, and the count per queue and
 * status scans the table, so the endpoint runs it only when asked.
 */
class TableReads {

	/** The most running jobs read for the stuck-job check. */
	static final int MAX_RUNNING_JOBS = 10_000;

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	TableReads(DataSource dataSource, DatabaseType databaseType, Duration timeout) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
		this.databaseType = databaseType;
		this.jdbc.setMaxRows(MAX_RUNNING_JOBS);
	}

	/**
	 * @return pending outbox rows and the creation time of the oldest
	 */
	Pending outboxPending() {
		return this.jdbc.query("SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM jetway_outbox "
				+ "WHERE status = 'pending'", (ResultSet rows) -> {
					rows.next();
					return new Pending(rows.getLong("pending"), this.databaseType.getInstant(rows, "oldest"));
				});
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
	 * Pending outbox rows.
	 *
	 * @param count how many
	 * @param oldestCreatedAt when the oldest was written, or {@code null} when none is
	 */
	record Pending(long count, @Nullable Instant oldestCreatedAt) {

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
