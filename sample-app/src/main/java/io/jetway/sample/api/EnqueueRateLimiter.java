package io.jetway.sample.api;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Limits job enqueues per project to its tier's allowance per minute, with a fixed window
 * that opens at the project's first enqueue and lasts a minute.
 * <p>
 * The window is a row of {@code atlas_enqueue_limits} ({@link EnqueueWindow}, created
 * with the application's schema) in the application's database, shared by every instance:
 * each enqueue is one conditional update (count one more while the window is open and
 * below the limit, or open a new window once it ended), so N instances together allow the
 * limit, not N times it, and two instances never both take the last enqueue of a window.
 * Windows are timed by the database's clock ({@code CURRENT_TIMESTAMP}), the one clock
 * every instance shares.
 * <p>
 * The count joins the caller's transaction: an enqueue needs one connection, not two
 * (with a transaction of its own per count, as many concurrent enqueues as the pool had
 * connections each held one and waited for a second), and a rolled-back enqueue uses none
 * of the allowance. The updated row stays locked until the caller commits, so the
 * enqueues of one project commit one after the other. Each configured project's row is
 * created at startup ({@link #createWindows}); only a project without a row yet gets one
 * in a transaction of its own, where a lost insert race cannot abort the caller's
 * transaction (PostgreSQL would).
 */
public class EnqueueRateLimiter {

	/**
	 * Not the former {@code atlas_enqueue_windows}, whose {@code window_end} held the
	 * instance's epoch milliseconds: a database created before keeps that table unused.
	 */
	static final String TABLE = "atlas_enqueue_limits";

	private static final int ATTEMPTS = 5;

	/** The end of a window that never opened. */
	private static final OffsetDateTime CLOSED = OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

	private static final String WINDOW_END = "CURRENT_TIMESTAMP + INTERVAL '1' MINUTE";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate ownTransaction;

	public EnqueueRateLimiter(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * Creates the window rows of these projects unless they exist, each closed (the
	 * project's next enqueue opens it), so that counting never has to insert.
	 * @param projects project ids
	 */
	public void createWindows(Collection<String> projects) {
		projects.forEach(this::createWindow);
	}

	private void createWindow(String project) {
		this.ownTransaction.executeWithoutResult((status) -> {
			try {
				this.jdbc.update(
						"INSERT INTO " + TABLE + " (project_id, window_end, enqueues) "
								+ "SELECT ?, ?, 0 WHERE NOT EXISTS (SELECT 1 FROM " + TABLE + " WHERE project_id = ?)",
						project, CLOSED, project);
			}
			catch (DuplicateKeyException ex) {
				// another instance created it at the same moment
				status.setRollbackOnly();
			}
		});
	}

	/**
	 * Counts one enqueue of the tenant's project.
	 * @param tenant the tenant
	 * @throws RateLimitedException when the project used up its tier's limit in the
	 * current window
	 * @throws ApiException (503) when other instances changed the window under every try
	 */
	public void acquire(Tenant tenant) {
		String project = tenant.projectId();
		int limit = tenant.tier().jobEnqueuesPerMinute();
		// a lost race (another instance opened the window or created the row first) is
		// followed by another try; each lost race means another request made progress
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			if (tryAcquire(tenant, limit)) {
				return;
			}
		}
		throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, null,
				"Too many enqueues of project '" + project + "' at the same moment: its rate-limit window in " + TABLE
						+ " changed under " + ATTEMPTS + " tries; retry the request");
	}

	/**
	 * @return whether the enqueue was counted; {@code false} after a lost race or once
	 * the missing window row was created
	 */
	private boolean tryAcquire(Tenant tenant, int limit) {
		String project = tenant.projectId();
		if (this.jdbc.update(
				"UPDATE " + TABLE + " SET enqueues = enqueues + 1 "
						+ "WHERE project_id = ? AND window_end > CURRENT_TIMESTAMP AND enqueues < ?",
				project, limit) == 1) {
			return true;
		}
		if (this.jdbc.update("UPDATE " + TABLE + " SET window_end = " + WINDOW_END + ", enqueues = 1 "
				+ "WHERE project_id = ? AND window_end <= CURRENT_TIMESTAMP", project) == 1) {
			return true;
		}
		Window window = window(project);
		if (window == null) {
			createWindow(project);
			return false;
		}
		if (window.end().isAfter(window.now()) && window.enqueues() >= limit) {
			long millis = Duration.between(window.now(), window.end()).toMillis();
			long seconds = Math.max(1, (millis + 999) / 1000);
			throw new RateLimitedException("Project '" + project + "' (" + tenant.tier().name().toLowerCase()
					+ " tier) may enqueue " + limit + " jobs per minute; retry in " + seconds + " s", seconds);
		}
		return false;
	}

	private @Nullable Window window(String project) {
		return this.jdbc.query("SELECT window_end, CURRENT_TIMESTAMP, enqueues FROM " + TABLE + " WHERE project_id = ?",
				(rs) -> rs.next() ? new Window(rs.getObject(1, OffsetDateTime.class),
						rs.getObject(2, OffsetDateTime.class), rs.getInt(3)) : null,
				project);
	}

	private record Window(OffsetDateTime end, OffsetDateTime now, int enqueues) {

	}

}
