package io.jetway.inbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntUnaryOperator;

import io.jetway.support.PeriodicTask;

import org.springframework.context.SmartLifecycle;

/**
 * Deletes inbox rows past the retention, in bounded batches: processed rows by when they
 * were processed, failed rows (dead-lettered, or still retried) by when they were first
 * received.
 */
public class InboxRetention implements SmartLifecycle {

	private final InboxRepository repository;

	private final InboxProperties properties;

	private final Clock clock;

	private final PeriodicTask timer;

	public InboxRetention(InboxRepository repository, InboxProperties properties, Clock clock) {
		this.repository = repository;
		this.properties = properties;
		this.clock = clock;
		this.timer = new PeriodicTask("jetway-inbox-retention", properties.getCleanupInterval(), this::cleanUp);
	}

	/**
	 * Deletes every processed row past the retention now.
	 * @return how many rows were deleted
	 */
	public int cleanUp() {
		Instant before = this.clock.instant().minus(this.properties.getRetention());
		return deleteInBatches((limit) -> this.repository.deleteProcessedBefore(before, limit))
				+ deleteInBatches((limit) -> this.repository.deleteFailedBefore(before, limit));
	}

	private int deleteInBatches(IntUnaryOperator deleteUpTo) {
		int limit = this.properties.getCleanupBatchSize();
		int total = 0;
		int deleted;
		do {
			deleted = deleteUpTo.applyAsInt(limit);
			total += deleted;
		}
		while (deleted >= limit);
		return total;
	}

	@Override
	public void start() {
		this.timer.start(this.properties.getCleanupInterval());
	}

	@Override
	public void stop() {
		this.timer.stop(Duration.ofSeconds(10));
	}

	@Override
	public boolean isRunning() {
		return this.timer.isRunning();
	}

}
