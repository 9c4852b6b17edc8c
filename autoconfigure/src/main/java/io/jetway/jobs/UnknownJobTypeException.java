package io.jetway.jobs;

import java.util.Collection;

/**
 * No {@link JobHandler} handles the job type.
 */
public class UnknownJobTypeException extends IllegalArgumentException {

	public UnknownJobTypeException(String type, Collection<String> known) {
		super("No @JobHandler handles job type '" + type + "'. Known types: " + known
				+ ". Check the spelling, add a @JobHandler(type = \"" + type + "\") method to a bean, or "
				+ "enqueue it on a queue for external workers (jetway.jobs.queues.<queue>.external=true).");
	}

}
