package io.jetway.consumer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stream sequences of messages whose handler was given up on and still runs, with how
 * many such handlers run for each (a redelivery of one can be given up on too, while the
 * first still runs): a redelivery fails at once instead of waiting for what a hung
 * handler holds (its inbox row, for one).
 */
final class StillRunning {

	private final Map<Long, Integer> counts = new ConcurrentHashMap<>();

	/** A handler of the message with {@code sequence} was given up on. */
	void add(long sequence) {
		this.counts.merge(sequence, 1, Integer::sum);
	}

	/** A handler given up on of the message with {@code sequence} returned. */
	void remove(long sequence) {
		this.counts.computeIfPresent(sequence, (key, count) -> (count > 1) ? count - 1 : null);
	}

	boolean contains(long sequence) {
		return this.counts.containsKey(sequence);
	}

}
