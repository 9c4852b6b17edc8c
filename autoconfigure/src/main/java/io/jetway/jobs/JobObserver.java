package io.jetway.jobs;

import java.time.Duration;

/**
 * Told what jobs did, for metrics. The default does nothing.
 */
public interface JobObserver {

	JobObserver NONE = new JobObserver() {
	};

	default void enqueued(String type) {
	}

	default void completed(String type, Duration duration) {
	}

	/**
	 * @param type the job type
	 * @param duration how long the attempt ran
	 * @param retrying whether another attempt follows
	 */
	default void failed(String type, Duration duration, boolean retrying) {
	}

	/**
	 * An attempt ended after its job was given to a newer attempt (its worker lost its
	 * delivery, for example cut off from NATS for longer than the ack wait): its outcome
	 * changed nothing, but its handler ran while the newer attempt may have run too.
	 * @param type the job type
	 */
	default void staleAttempt(String type) {
	}

}
