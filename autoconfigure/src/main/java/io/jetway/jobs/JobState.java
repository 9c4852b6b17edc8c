package io.jetway.jobs;

import java.util.Locale;

/**
 * The state of a job, stored lower-case in {@code jetway_jobs.status}.
 */
public enum JobState {

	/** Waits for its run time. */
	SCHEDULED,

	/** Waits for a worker (also between retries). */
	PENDING,

	/** A worker runs it. */
	RUNNING,

	/** The handler returned; the result is stored. */
	COMPLETED,

	/** Out of attempts, or failed with a non-retryable error. */
	FAILED,

	/** Cancelled before it ran. */
	CANCELLED;

	public String columnValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static JobState fromColumn(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

	public boolean isFinal() {
		return this == COMPLETED || this == FAILED || this == CANCELLED;
	}

}
