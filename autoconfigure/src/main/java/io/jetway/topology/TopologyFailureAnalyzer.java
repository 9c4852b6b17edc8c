package io.jetway.topology;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link TopologyException} at startup (an invalid subject, or the report of a
 * failed {@code validate}) into Spring Boot's "APPLICATION FAILED TO START" report with a
 * description and an action.
 */
class TopologyFailureAnalyzer extends AbstractFailureAnalyzer<TopologyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TopologyException cause) {
		String message = cause.getMessage();
		int actionStart = message.lastIndexOf(cause.getAction());
		String description = (actionStart > 0) ? message.substring(0, actionStart).trim() : message;
		return new FailureAnalysis(description, cause.getAction(), cause);
	}

}
