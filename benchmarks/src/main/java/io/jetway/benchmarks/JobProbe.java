package io.jetway.benchmarks;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the no-op job handlers of every job system report: how many jobs started, and when
 * each job (by sequence number) started.
 */
final class JobProbe {

	static final AtomicLong started = new AtomicLong();

	static volatile long[] startTimes = new long[0];

	private JobProbe() {
	}

	static void reset(int jobs) {
		started.set(0);
		startTimes = new long[jobs];
	}

	static void started(long sequence) {
		long[] times = startTimes;
		if (sequence >= 0 && sequence < times.length) {
			times[(int) sequence] = System.nanoTime();
		}
		started.incrementAndGet();
	}

	/** Reads the sequence number from a {@code {"seq":N}} payload. */
	static long sequence(String json) {
		long value = 0;
		for (int i = 0; i < json.length(); i++) {
			char c = json.charAt(i);
			if (c >= '0' && c <= '9') {
				value = value * 10 + (c - '0');
			}
		}
		return value;
	}

}
