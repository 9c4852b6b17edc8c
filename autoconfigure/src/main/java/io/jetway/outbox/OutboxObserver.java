package io.jetway.outbox;

import java.time.Duration;
import java.util.List;

/**
 * Told what the relay did, for metrics. The default does nothing.
 */
public interface OutboxObserver {

	OutboxObserver NONE = new OutboxObserver() {
	};

	/**
	 * Called on the relay thread once JetStream acknowledged the records, before their
	 * rows are committed as sent.
	 * @param records the records JetStream stored
	 * @param latencies for each, the time from the publish call to its PubAck
	 */
	default void published(List<OutboxRecord> records, List<Duration> latencies) {
	}

	/**
	 * @param count messages whose attempt failed
	 * @param givenUp how many of them reached the maximum attempts and are now failed
	 */
	default void failed(int count, int givenUp) {
	}

	/**
	 * Called on the relay thread after a run of the retention cleanup
	 * ({@code completion-mode=update}): the relay's first poll, then once per
	 * {@code jetway.outbox.relay.cleanup-interval}.
	 * @param deleted sent rows older than the retention that the run deleted, in batches
	 * of {@code jetway.outbox.relay.cleanup-batch-size}
	 * @param took the time of its delete statements
	 */
	default void cleanedUp(long deleted, Duration took) {
	}

	/**
	 * @param observers the observers to tell, in order
	 * @return one observer telling all of them
	 */
	static OutboxObserver of(List<OutboxObserver> observers) {
		if (observers.size() == 1) {
			return observers.get(0);
		}
		return new OutboxObserver() {

			@Override
			public void published(List<OutboxRecord> records, List<Duration> latencies) {
				observers.forEach((observer) -> observer.published(records, latencies));
			}

			@Override
			public void failed(int count, int givenUp) {
				observers.forEach((observer) -> observer.failed(count, givenUp));
			}

			@Override
			public void cleanedUp(long deleted, Duration took) {
				observers.forEach((observer) -> observer.cleanedUp(deleted, took));
			}

		};
	}

}
