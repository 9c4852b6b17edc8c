package io.jetway.support;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Recognises failures that may mean a database could not be reached, anywhere in an
 * exception's cause chain (and behind a failed rollback, in the failure that caused it):
 * Spring's {@link CannotCreateTransactionException},
 * {@link DataAccessResourceFailureException} (with
 * {@code CannotGetJdbcConnectionException}), {@link TransientDataAccessResourceException}
 * and {@link QueryTimeoutException}; JDBC's connection and timeout exceptions and any
 * {@link SQLException} of SQLState class {@code 08} (connection exception) or
 * PostgreSQL's {@code 57P01}-{@code 57P03} (server shutting down or starting); and socket
 * failures.
 * <p>
 * A match alone is only a suspicion: a handler's own exception can match for reasons of
 * its own (a second data source, a slow query). The inbox holds a delivery back as an
 * outage only when, in addition, its own database then fails a probe.
 */
public final class ConnectivityFailures {

	private ConnectivityFailures() {
	}

	/**
	 * @param failure the failure
	 * @return whether it, or one of its causes, is a connectivity failure
	 */
	public static boolean isConnectivityFailure(Throwable failure) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		Deque<Throwable> toVisit = new ArrayDeque<>();
		toVisit.push(failure);
		while (!toVisit.isEmpty()) {
			Throwable current = toVisit.pop();
			if (!seen.add(current)) {
				continue;
			}
			if (matches(current)) {
				return true;
			}
			if (current.getCause() != null) {
				toVisit.push(current.getCause());
			}
			// a failed rollback hides the failure that caused it (the pool's "Connection
			// is
			// closed" has no SQLState; the statement's I/O error does)
			if (current instanceof TransactionSystemException system && system.getApplicationException() != null) {
				toVisit.push(system.getApplicationException());
			}
		}
		return false;
	}

	private static boolean matches(Throwable failure) {
		if (failure instanceof CannotCreateTransactionException || failure instanceof DataAccessResourceFailureException
				|| failure instanceof TransientDataAccessResourceException
				|| failure instanceof QueryTimeoutException) {
			return true;
		}
		if (failure instanceof SQLTransientConnectionException || failure instanceof SQLNonTransientConnectionException
				|| failure instanceof SQLRecoverableException || failure instanceof SQLTimeoutException) {
			return true;
		}
		if (failure instanceof SQLException sql && sql.getSQLState() != null) {
			String state = sql.getSQLState();
			return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
		}
		return failure instanceof SocketException || failure instanceof SocketTimeoutException
				|| failure instanceof UnknownHostException;
	}

}
