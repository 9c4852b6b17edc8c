package io.jetway.jobs;

import java.sql.SQLException;
import java.time.Duration;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import io.jetway.support.Backoff;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Tells an infrastructure failure (the database could not be reached) from any other, the
 * way Spring classifies them: {@link CannotCreateTransactionException},
 * {@link DataAccessResourceFailureException} (with
 * {@code CannotGetJdbcConnectionException}),
 * {@link TransientDataAccessResourceException}, and anywhere in the cause chain (a failed
 * commit or rollback wraps it) {@link SQLTransientConnectionException} or an
 * {@link SQLException} of SQLState class {@code 08} (connection exception). Such a
 * failure is not the job's: it spends no attempt.
 */
final class UnreachableDatabase {

	/** Between tries while the database cannot be reached. */
	static final Backoff RETRY = new Backoff(Duration.ofMillis(250), 2, Duration.ofSeconds(5), 0.2);

	private UnreachableDatabase() {
	}

	/**
	 * @param failure the failure
	 * @return whether it, or one of its causes, says the database could not be reached
	 */
	static boolean causes(@Nullable Throwable failure) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			if (current instanceof CannotCreateTransactionException
					|| current instanceof DataAccessResourceFailureException
					|| current instanceof TransientDataAccessResourceException
					|| current instanceof SQLTransientConnectionException) {
				return true;
			}
			if (current instanceof SQLException sql && sql.getSQLState() != null
					&& sql.getSQLState().startsWith("08")) {
				return true;
			}
		}
		return false;
	}

}
