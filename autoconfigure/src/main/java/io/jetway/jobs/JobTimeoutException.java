package io.jetway.jobs;

import java.time.Duration;

/**
 * A job attempt ran longer than its queue's timeout. Retried like any failure.
 */
public class JobTimeoutException extends RuntimeException {

	public JobTimeoutException(String message) {
		super(message);
	}

	/** An attempt of a job of {@code queue} ran longer than {@code timeout}. */
	static JobTimeoutException after(Duration timeout, String queue) {
		return new JobTimeoutException("The attempt ran longer than the queue's timeout of " + timeout
				+ " (jetway.jobs.queues." + queue + ".timeout) and was interrupted");
	}

}
