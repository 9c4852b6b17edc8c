package io.jetway.support;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Recognises failures that a new try of the same transaction may not meet, anywhere in an
 * exception's cause chain: a deadlock's loser, a lock timeout, a serialization failure.
 */
public final class TransientSqlFailures {

	/**
	 * Serialization failure, deadlock (PostgreSQL), lock not available (PostgreSQL's lock
	 * timeout), lock timeout (H2).
	 */
	private static final Set<String> TRANSIENT_SQL_STATES = Set.of("40001", "40P01", "55P03", "HYT00");

	/** Lock wait timeout, deadlock. */
	private static final Set<Integer> TRANSIENT_MARIADB_ERRORS = Set.of(1205, 1213);

	private TransientSqlFailures() {
	}

	public static boolean isTransient(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof TransientDataAccessException || cause instanceof PessimisticLockingFailureException
					|| cause instanceof ConcurrencyFailureException || cause instanceof SQLTransientException) {
				return true;
			}
			// drivers whose exceptions Spring leaves uncategorized (PostgreSQL's lock
			// timeout, 55P03)
			if (cause instanceof SQLException sql && (TRANSIENT_SQL_STATES.contains(sql.getSQLState())
					|| TRANSIENT_MARIADB_ERRORS.contains(sql.getErrorCode()))) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
