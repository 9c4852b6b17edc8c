package io.jetway.benchmarks;

import java.util.Arrays;

/**
 * Commit-to-PubAck latencies of a paced run.
 *
 * @param eventsPerTransaction the events committed per transaction
 * @param intervalMillis the time between two transactions
 * @param events the events sent
 * @param achievedRate the events per second the producer achieved
 * @param p50Nanos the median
 * @param p99Nanos the 99th percentile
 * @param maxNanos the maximum
 */
record LatencyResult(int eventsPerTransaction, long intervalMillis, int events, double achievedRate, long p50Nanos,
		long p99Nanos, long maxNanos) {

	static LatencyResult of(int eventsPerTransaction, long intervalMillis, long[] latencies, double achievedRate) {
		long[] sorted = latencies.clone();
		Arrays.sort(sorted);
		return new LatencyResult(eventsPerTransaction, intervalMillis, sorted.length, achievedRate,
				percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]);
	}

	private static long percentile(long[] sorted, double percent) {
		int rank = (int) Math.ceil(percent / 100 * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

}
