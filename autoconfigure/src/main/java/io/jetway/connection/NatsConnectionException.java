package io.jetway.connection;

import org.jspecify.annotations.Nullable;

/**
 * Jetway could not connect to NATS, or the connection settings are wrong. Says which
 * property is at fault and what to do; {@link NatsConnectionFailureAnalyzer} shows both
 * when startup fails.
 */
public class NatsConnectionException extends RuntimeException {

	private final @Nullable String property;

	private final String action;

	public NatsConnectionException(String problem, @Nullable String property, String action) {
		this(problem, property, action, null);
	}

	public NatsConnectionException(String problem, @Nullable String property, String action,
			@Nullable Throwable cause) {
		super(problem + ((property != null) ? " (property " + property + ")" : "") + ". " + action, cause);
		this.property = property;
		this.action = action;
	}

	/**
	 * @return the configuration property at fault, or {@code null} when none is
	 */
	public @Nullable String getProperty() {
		return this.property;
	}

	/**
	 * @return what the user can do about it
	 */
	public String getAction() {
		return this.action;
	}

}
