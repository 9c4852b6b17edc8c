package io.jetway.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.jetway.outbox.OutboxObserver;
import io.jetway.outbox.OutboxRecord;
import org.jspecify.annotations.Nullable;

/**
 * Counts the records Jetway's relay saw acknowledged by JetStream and, while asked to,
 * remembers when each id was acknowledged; keeps the relay's first retention cleanup.
 */
class AckRecorder implements OutboxObserver {

	private static final Duration REPORT_EVERY = Duration.ofSeconds(15);

	private final AtomicLong acknowledged = new AtomicLong();

	private volatile long lastAckNanos;

	private volatile @Nullable Map<UUID, Long> ackTimes;

	private volatile @Nullable Cleanup firstCleanup;

	@Override
	public void published(List<OutboxRecord> records, List<Duration> latencies) {
		long now = System.nanoTime();
		Map<UUID, Long> times = this.ackTimes;
		if (times != null) {
			for (OutboxRecord record : records) {
				times.put(record.id(), now);
			}
		}
		this.lastAckNanos = now;
		this.acknowledged.addAndGet(records.size());
	}

	@Override
	public void cleanedUp(long deleted, Duration took) {
		if (this.firstCleanup == null) {
			this.firstCleanup = new Cleanup(deleted, took, System.nanoTime());
		}
	}

	/**
	 * Waits for the relay's first retention cleanup (at its first poll).
	 * @return the rows it deleted and the time of its delete statements
	 */
	Cleanup awaitFirstCleanup(Duration timeout) throws TimeoutException {
		long deadline = System.nanoTime() + timeout.toNanos();
		Cleanup cleanup = this.firstCleanup;
		while (cleanup == null) {
			if (System.nanoTime() > deadline) {
				throw new TimeoutException("the outbox relay's first cleanup did not end within " + timeout);
			}
			LockSupport.parkNanos(50_000_000);
			cleanup = this.firstCleanup;
		}
		return cleanup;
	}

	long acknowledged() {
		return this.acknowledged.get();
	}

	/** Starts remembering the acknowledgement time of every id. */
	void recordTimes() {
		this.ackTimes = new ConcurrentHashMap<>();
	}

	@Nullable Long ackTime(UUID id) {
		Map<UUID, Long> times = this.ackTimes;
		return (times != null) ? times.get(id) : null;
	}

	/**
	 * Waits until {@code total} records were acknowledged since the start.
	 * @return when the last of them was acknowledged
	 */
	long await(long total, Duration timeout) throws TimeoutException {
		long start = System.nanoTime();
		long deadline = start + timeout.toNanos();
		long nextReport = start + REPORT_EVERY.toNanos();
		while (this.acknowledged.get() < total) {
			long now = System.nanoTime();
			if (now > deadline) {
				throw new TimeoutException("only " + this.acknowledged.get() + " of " + total
						+ " outbox records were acknowledged within " + timeout);
			}
			if (now > nextReport) {
				System.out.printf("  waiting for PubAcks: %,d of %,d acknowledged%n", this.acknowledged.get(), total);
				nextReport = now + REPORT_EVERY.toNanos();
			}
			LockSupport.parkNanos(200_000);
		}
		return this.lastAckNanos;
	}

	/**
	 * A run of the relay's retention cleanup.
	 *
	 * @param deleted rows it deleted
	 * @param took the time of its delete statements
	 * @param endedNanos {@link System#nanoTime()} when it ended
	 */
	record Cleanup(long deleted, Duration took, long endedNanos) {

	}

}
