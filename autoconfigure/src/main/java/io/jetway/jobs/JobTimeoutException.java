package io.jetway.jobs;

/**
 * A job attempt ran longer than its queue's timeout. Retried like any failure.
 */
public class JobTimeoutException extends RuntimeException {

	public JobTimeoutException(String message) {
		super(message);
	}

}
