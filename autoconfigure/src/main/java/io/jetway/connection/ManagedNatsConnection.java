package io.jetway.connection;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.nats.client.Connection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * Owns the connection Jetway opened: on shutdown, after every bean that uses the
 * connection is gone, it drains the connection within the drain timeout (in-flight
 * publishes are flushed, subscriptions finish what they hold) and closes it.
 */
public class ManagedNatsConnection implements DisposableBean {

	private static final Log logger = LogFactory.getLog(ManagedNatsConnection.class);

	private final Connection connection;

	private final Duration drainTimeout;

	private final List<ExecutorService> executors;

	/**
	 * @param connection the connection
	 * @param drainTimeout how long closing may drain it
	 * @param executors executors the connection uses and this object shuts down after it
	 */
	public ManagedNatsConnection(Connection connection, Duration drainTimeout, List<ExecutorService> executors) {
		this.connection = connection;
		this.drainTimeout = drainTimeout;
		this.executors = List.copyOf(executors);
	}

	public Connection getConnection() {
		return this.connection;
	}

	@Override
	public void destroy() throws InterruptedException {
		try {
			close();
		}
		finally {
			for (ExecutorService executor : this.executors) {
				executor.shutdown();
				if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
					executor.shutdownNow();
				}
			}
		}
	}

	private void close() throws InterruptedException {
		if (this.connection.getStatus() == Connection.Status.CLOSED) {
			return;
		}
		if (this.connection.getStatus() == Connection.Status.CONNECTED) {
			try {
				CompletableFuture<Boolean> drained = this.connection.drain(this.drainTimeout);
				if (!drained.get(this.drainTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
					logger.warn("The NATS connection did not drain within " + this.drainTimeout
							+ " (jetway.nats.drain-timeout); closing it anyway");
				}
			}
			catch (TimeoutException | ExecutionException | IllegalStateException ex) {
				logger.warn("Draining the NATS connection failed (" + ex + "); closing it");
			}
		}
		this.connection.close();
	}

}
