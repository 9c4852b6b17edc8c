package io.jetway.jobs;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

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
	 * The metadata given at enqueue ({@link JobOptions#meta()}): who the job is for, a
	 * tenant, a correlation id. It is stored with the job and sent in its events and
	 * message header.
	 * @return a JSON object, or {@code null} when the job was enqueued without metadata
	 */
	default @Nullable String meta() {
		return null;
	}

	/**
	 * Stores the job's progress and publishes it on the job's progress subject for live
	 * views.
	 * @param fraction from 0 to 1
	 * @param message what the job is doing
	 */
	void progress(double fraction, String message);

}
