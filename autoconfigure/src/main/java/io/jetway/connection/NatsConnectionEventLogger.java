package io.jetway.connection;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Logs the connection's life: connected, disconnected, reconnected and closed with the
 * server URL, and the errors jnats reports asynchronously.
 */
class NatsConnectionEventLogger implements ConnectionListener, ErrorListener {

	private static final Log logger = LogFactory.getLog(NatsConnectionEventLogger.class);

	private volatile String lastUrl = "(not connected)";

	private volatile @Nullable Exception lastException;

	@Override
	public void connectionEvent(Connection connection, Events type) {
		String url = connection.getConnectedUrl();
		if (url != null) {
			this.lastUrl = url;
		}
		switch (type) {
			case CONNECTED -> logger.info("Connected to NATS at " + this.lastUrl);
			case RECONNECTED -> logger.info("Reconnected to NATS at " + this.lastUrl);
			case DISCONNECTED -> logger.warn("Disconnected from NATS at " + this.lastUrl + "; reconnecting");
			case CLOSED -> logger.info("Closed the NATS connection to " + this.lastUrl);
			case LAME_DUCK -> logger.warn(
					"NATS server " + this.lastUrl + " entered lame duck mode; " + "the client moves to another server");
			default -> logger.debug("NATS connection event " + type + " at " + this.lastUrl);
		}
	}

	@Override
	public void errorOccurred(Connection connection, String error) {
		logger.warn("NATS server " + this.lastUrl + " reported an error: " + error);
	}

	@Override
	public void exceptionOccurred(Connection connection, Exception exception) {
		this.lastException = exception;
		if (logger.isDebugEnabled()) {
			logger.debug("NATS connection exception at " + this.lastUrl, exception);
		}
		else {
			logger.warn("NATS connection exception at " + this.lastUrl + ": " + exception);
		}
	}

	/**
	 * @return the last exception jnats reported, which explains a failed first connect
	 * better than the exception {@code Nats.connect} throws
	 */
	@Nullable Exception lastException() {
		return this.lastException;
	}

	@Override
	public void slowConsumerDetected(Connection connection, Consumer consumer) {
		logger.warn("NATS slow consumer: messages are arriving faster than they are handled and are being dropped "
				+ "(pending " + consumer.getPendingMessageCount() + ")");
	}

}
