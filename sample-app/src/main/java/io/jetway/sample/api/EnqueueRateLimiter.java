package io.jetway.sample.api;

import java.time.Clock;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Limits job enqueues per project to its tier's allowance per minute, with a fixed window
 * that opens at the project's first enqueue and lasts a minute.
 * <p>
 * The window is a row of {@code atlas_enqueue_windows} in the application's database,
 * shared by every instance: each enqueue is one conditional update (count one more while
 * the window is open and below the limit, or open a new window once it ended), so N
 * instances together allow the limit, not N times it, and two instances never both take
 * the last enqueue of a window.
 */
public class EnqueueRateLimiter {

	private static final long WINDOW_MILLIS = Duration.ofMinutes(1).toMillis();

	private static final String TABLE = "atlas_enqueue_windows";

	private final JdbcTemplate jdbc;

	private final Clock clock;

	public EnqueueRateLimiter(JdbcTemplate jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
		jdbc.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (project_id VARCHAR(63) NOT NULL PRIMARY KEY, "
				+ "window_end BIGINT NOT NULL, enqueues INT NOT NULL)");
	}

	/**
	 * Counts one enqueue of the tenant's project.
	 * @param tenant the tenant
	 * @throws RateLimitedException when the project used up its tier's limit in the
	 * current window
	 */
	public void acquire(Tenant tenant) {
		String project = tenant.projectId();
		int limit = tenant.tier().jobEnqueuesPerMinute();
		// a lost race (another instance opened the window or created the row first) is
		// followed by another try; each lost race means another request made progress
		for (int attempt = 0; attempt < 5; attempt++) {
			long now = this.clock.millis();
			if (this.jdbc.update("UPDATE " + TABLE + " SET enqueues = enqueues + 1 "
					+ "WHERE project_id = ? AND window_end > ? AND enqueues < ?", project, now, limit) == 1) {
				return;
			}
			if (this.jdbc.update("UPDATE " + TABLE + " SET window_end = ?, enqueues = 1 "
					+ "WHERE project_id = ? AND window_end <= ?", now + WINDOW_MILLIS, project, now) == 1) {
				return;
			}
			Window window = window(project);
			if (window == null) {
				try {
					this.jdbc.update("INSERT INTO " + TABLE + " (project_id, window_end, enqueues) VALUES (?, ?, 1)",
							project, now + WINDOW_MILLIS);
					return;
				}
				catch (DuplicateKeyException ex) {
					continue;
				}
			}
			if (window.end() > now && window.enqueues() >= limit) {
				long seconds = Math.max(1, (window.end() - now + 999) / 1000);
				throw new RateLimitedException("Project '" + project + "' (" + tenant.tier().name().toLowerCase()
						+ " tier) may enqueue " + limit + " jobs per minute; retry in " + seconds + " s", seconds);
			}
		}
		throw new IllegalStateException("Could not count an enqueue of project '" + project + "': its window in "
				+ TABLE + " changed under every attempt");
	}

	private @Nullable Window window(String project) {
		return this.jdbc.query("SELECT window_end, enqueues FROM " + TABLE + " WHERE project_id = ?",
				(rs) -> rs.next() ? new Window(rs.getLong(1), rs.getInt(2)) : null, project);
	}

	private record Window(long end, int enqueues) {

	}

}
