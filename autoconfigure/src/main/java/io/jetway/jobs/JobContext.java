package io.jetway.jobs;

import java.util.UUID;

/**
 * What a running job handler knows and can report.
 */
public interface JobContext {

	UUID id();

	String type();

	String queue();

	/** 1 for the first attempt. */
	int attempt();

	/**
	 * Stores the job's progress and publishes it on the job's progress subject for live
	 * views.
	 * @param fraction from 0 to 1
	 * @param message what the job is doing
	 */
	void progress(double fraction, String message);

}
