package io.jetway.outbox;

import java.time.Duration;

/**
 * Told what the relay did, for metrics. The default does nothing.
 */
public interface OutboxObserver {

	OutboxObserver NONE = new OutboxObserver() {
	};

	/**
	 * @param count messages stored by JetStream
	 * @param latencies for each, the time from the publish call to its PubAck
	 */
	default void published(int count, Duration[] latencies) {
	}

	/**
	 * @param count messages whose attempt failed
	 * @param givenUp how many of them reached the maximum attempts and are now failed
	 */
	default void failed(int count, int givenUp) {
	}

}
