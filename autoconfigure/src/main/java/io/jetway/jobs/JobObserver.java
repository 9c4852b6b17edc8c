package io.jetway.jobs;

import java.time.Duration;

/**
 * Told what jobs did, for metrics. The default does nothing.
 */
public interface JobObserver {

	JobObserver NONE = new JobObserver() {
	};

	/**
	 * A job was enqueued (called after its transaction committed).
	 * @param queue the job's queue
	 * @param type the job type
	 */
	default void enqueued(String queue, String type) {
	}

	/**
	 * @param queue the job's queue
	 * @param type the job type
	 * @param duration how long the attempt ran
	 */
	default void completed(String queue, String type, Duration duration) {
	}

	/**
	 * @param queue the job's queue
	 * @param type the job type
	 * @param duration how long the attempt ran
	 * @param retrying whether another attempt follows
	 */
	default void failed(String queue, String type, Duration duration, boolean retrying) {
	}

	/**
	 * An attempt ended after its job was given to a newer attempt (its worker lost its
	 * delivery, for example cut off from NATS for longer than the ack wait): its outcome
	 * changed nothing, but its handler ran while the newer attempt may have run too.
	 * @param queue the job's queue
	 * @param type the job type
	 * @param duration how long the attempt ran
	 */
	default void staleAttempt(String queue, String type, Duration duration) {
	}

	/**
	 * A webhook delivery attempt ended and its result was recorded.
	 * @param queue the job's queue
	 * @param type the job type
	 * @param outcome {@code delivered}, {@code retried} (another attempt follows) or
	 * {@code failed} (no attempt follows)
	 * @param duration how long the attempt took
	 */
	default void webhookAttempt(String queue, String type, String outcome, Duration duration) {
	}

}
