package io.jetway.consumer;

import java.time.Duration;

/**
 * Told what consumers did, for metrics. The default does nothing.
 */
public interface ConsumerObserver {

	ConsumerObserver NONE = new ConsumerObserver() {
	};

	default void handled(String consumer) {
	}

	default void duplicate(String consumer) {
	}

	/** A handler failed and the message will be redelivered. */
	default void failed(String consumer) {
	}

	default void deadLettered(String consumer) {
	}

	/**
	 * @param consumer the consumer
	 * @param time how long processing took
	 * @param messages how many messages it covered (1, or a batch)
	 */
	default void handlerTime(String consumer, Duration time, int messages) {
	}

}
