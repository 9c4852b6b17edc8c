package io.jetway.support;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link JetwayConfigurationException} at startup into Spring Boot's "APPLICATION
 * FAILED TO START" report with a description and an action.
 */
public class JetwayFailureAnalyzer extends AbstractFailureAnalyzer<JetwayConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, JetwayConfigurationException cause) {
		String message = cause.getMessage();
		int actionStart = message.lastIndexOf(cause.getAction());
		String description = (actionStart > 0) ? message.substring(0, actionStart).trim() : message;
		return new FailureAnalysis(description, cause.getAction(), cause);
	}

}
