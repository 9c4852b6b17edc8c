package io.jetway.support;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failures may mean that the database cannot be reached.
 */
class ConnectivityFailuresTests {

	@Test
	void recognisesSpringJdbcAndSocketConnectivityFailuresAnywhereInTheCauseChain() {
		assertThat(ConnectivityFailures.isConnectivityFailure(
				new CannotCreateTransactionException("Could not open JDBC Connection for transaction",
						new SQLTransientConnectionException("HikariPool-1 - Connection is not available"))))
			.isTrue();
		assertThat(ConnectivityFailures.isConnectivityFailure(new CannotGetJdbcConnectionException("no connection")))
			.isTrue();
		assertThat(ConnectivityFailures.isConnectivityFailure(new QueryTimeoutException("slow"))).isTrue();
		assertThat(ConnectivityFailures.isConnectivityFailure(new TransactionSystemException("Could not commit",
				new SQLException("An I/O error occurred while sending to the backend.", "08006"))))
			.isTrue();
		assertThat(ConnectivityFailures.isConnectivityFailure(
				new IllegalStateException("handler", new SQLException("terminating connection", "57P01"))))
			.isTrue();
		assertThat(ConnectivityFailures
			.isConnectivityFailure(new RuntimeException(new IOException(new ConnectException("refused"))))).isTrue();
	}

	@Test
	void recognisesTheConnectivityFailureBehindAFailedRollback() {
		TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
				new SQLException("Connection is closed"));
		rollbackFailed.initApplicationException(new IllegalStateException("handler",
				new SQLException("An I/O error occurred while sending to the backend.", "08006")));
		assertThat(ConnectivityFailures.isConnectivityFailure(rollbackFailed)).isTrue();
	}

	@Test
	void otherFailuresAreNotConnectivityFailures() {
		assertThat(ConnectivityFailures.isConnectivityFailure(new IllegalStateException("handler bug"))).isFalse();
		assertThat(ConnectivityFailures.isConnectivityFailure(new DataIntegrityViolationException("duplicate",
				new SQLException("duplicate key value violates unique constraint", "23505"))))
			.isFalse();
		assertThat(ConnectivityFailures.isConnectivityFailure(new IOException("HTTP 500"))).isFalse();
		assertThat(ConnectivityFailures.isConnectivityFailure(new SQLException("no state"))).isFalse();
	}

	@Test
	void causeChainWithACycleEnds() {
		IllegalStateException first = new IllegalStateException("first");
		IllegalArgumentException second = new IllegalArgumentException("second", first);
		first.initCause(second);
		assertThat(ConnectivityFailures.isConnectivityFailure(first)).isFalse();
	}

}
