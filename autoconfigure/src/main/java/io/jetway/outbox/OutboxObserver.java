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

		};
	}

}
