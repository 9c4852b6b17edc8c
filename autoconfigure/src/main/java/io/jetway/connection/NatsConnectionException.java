package io.jetway.connection;

import io.jetway.support.JetwayConfigurationException;
import org.jspecify.annotations.Nullable;

/**
 * Jetway could not connect to NATS, or the connection settings are wrong. Says which
 * property is at fault and what to do.
 */
public class NatsConnectionException extends JetwayConfigurationException {

	public NatsConnectionException(String problem, @Nullable String property, String action) {
		this(problem, property, action, null);
	}

	public NatsConnectionException(String problem, @Nullable String property, String action,
			@Nullable Throwable cause) {
		super(problem, property, action, cause);
	}

}
