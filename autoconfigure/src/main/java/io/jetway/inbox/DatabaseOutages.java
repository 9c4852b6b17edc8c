package io.jetway.inbox;

import java.time.Duration;

import io.jetway.support.ConnectivityFailures;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Tells a delivery that failed because the inbox's database cannot be reached (to be held
 * and retried without spending a delivery) from one that failed for its own reasons (a
 * handler failure: redelivered with backoff, dead-lettered on the last delivery).
 * <p>
 * The rule: the inbox's own transaction could not begin for want of a connection
 * ({@link CannotCreateTransactionException}, {@link CannotGetJdbcConnectionException}: no
 * handler ran, so there is nothing to count); or the failure, or one of its causes, is a
 * connectivity failure ({@link ConnectivityFailures}) and the database then fails a probe
 * of its own ({@code SELECT 1} on a pooled connection, once at once and once half a
 * second later: an outage reaches the pool's connections one after the other, so a single
 * probe can still find one that works). The second condition keeps a handler's own
 * failures, even those that look like an outage (a second data source that is down, a
 * query timeout, a session the server ended), counted as failures while the inbox's
 * database works, so they reach the dead-letter subject instead of stalling the consumer.
 * It applies to failures of the handler and of the inbox alike (the transaction cannot
 * start, the inbox row cannot be read or written, the commit or rollback fails).
 */
final class DatabaseOutages {

	private static final Duration SECOND_PROBE_DELAY = Duration.ofMillis(500);

	private DatabaseOutages() {
	}

	/**
	 * @param failure what failed
	 * @param inboxTransactionBegan whether the inbox's transaction had begun: once it
	 * has, a missing connection (a handler's own data source or its own
	 * {@code REQUIRES_NEW} transaction) is an outage only if the probe fails too
	 * @param repository the inbox, to probe its database
	 * @return whether to hold the delivery back as a database outage
	 */
	static boolean isOutage(Throwable failure, boolean inboxTransactionBegan, InboxRepository repository) {
		if (!ConnectivityFailures.isConnectivityFailure(failure)) {
			return false;
		}
		if (!inboxTransactionBegan && noConnection(failure)) {
			// the transaction never started, so no handler ran: nothing to count
			return true;
		}
		if (!repository.isReachable()) {
			return true;
		}
		try {
			Thread.sleep(SECOND_PROBE_DELAY.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
		return !repository.isReachable();
	}

	private static boolean noConnection(Throwable failure) {
		Throwable current = failure;
		// bounded: a cause chain may loop
		for (int depth = 0; current != null && depth < 32; depth++) {
			if (current instanceof CannotCreateTransactionException
					|| current instanceof CannotGetJdbcConnectionException) {
				return true;
			}
			current = current.getCause();
		}
		return false;
	}

}
