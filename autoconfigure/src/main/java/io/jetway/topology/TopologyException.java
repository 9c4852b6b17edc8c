package io.jetway.topology;

import org.jspecify.annotations.Nullable;

/**
 * A stream declaration or the streams on the server are not what they should be. Says
 * which property is at fault and what to do; {@link TopologyFailureAnalyzer} shows both
 * when startup fails.
 */
public class TopologyException extends RuntimeException {

	private final @Nullable String property;

	private final String action;

	public TopologyException(String problem, @Nullable String property, String action) {
		this(problem, property, action, null);
	}

	public TopologyException(String problem, @Nullable String property, String action, @Nullable Throwable cause) {
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
