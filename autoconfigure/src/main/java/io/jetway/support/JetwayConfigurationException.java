package io.jetway.support;

import org.jspecify.annotations.Nullable;

/**
 * Something in Jetway's configuration or environment is wrong. Says which property is at
 * fault and what to do; {@link JetwayFailureAnalyzer} shows both when startup fails.
 */
public class JetwayConfigurationException extends RuntimeException {

	private final @Nullable String property;

	private final String action;

	public JetwayConfigurationException(String problem, @Nullable String property, String action,
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
