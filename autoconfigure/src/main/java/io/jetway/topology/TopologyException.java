package io.jetway.topology;

import io.jetway.support.JetwayConfigurationException;

import org.jspecify.annotations.Nullable;

/**
 * A stream declaration or the streams on the server are not what they should be. Says
 * which property is at fault and what to do;
 * {@link io.jetway.support.JetwayFailureAnalyzer} shows both when startup fails.
 */
public class TopologyException extends JetwayConfigurationException {

	public TopologyException(String problem, @Nullable String property, String action) {
		this(problem, property, action, null);
	}

	public TopologyException(String problem, @Nullable String property, String action, @Nullable Throwable cause) {
		super(problem, property, action, cause);
	}

}
