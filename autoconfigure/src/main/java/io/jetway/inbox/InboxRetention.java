package io.jetway.inbox;

import java.time.Clock;
import java.time.Duration;

import io.jetway.support.PeriodicTask;

import org.springframework.context.SmartLifecycle;

/**
 * Deletes processed inbox rows past the retention, in bounded batches.
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
		int total = 0;
		int deleted;
		do {
			deleted = this.repository.deleteProcessedBefore(this.clock.instant().minus(this.properties.getRetention()),
					this.properties.getCleanupBatchSize());
			total += deleted;
		}
		while (deleted >= this.properties.getCleanupBatchSize());
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
