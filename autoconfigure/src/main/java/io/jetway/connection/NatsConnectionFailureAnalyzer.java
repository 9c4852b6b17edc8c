package io.jetway.connection;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link NatsConnectionException} at startup into Spring Boot's "APPLICATION
 * FAILED TO START" report with a description and an action.
 */
class NatsConnectionFailureAnalyzer extends AbstractFailureAnalyzer<NatsConnectionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NatsConnectionException cause) {
		String message = cause.getMessage();
		int actionStart = message.lastIndexOf(cause.getAction());
		String description = (actionStart > 0) ? message.substring(0, actionStart).trim() : message;
		return new FailureAnalysis(description, cause.getAction(), cause);
	}

}
