package io.jetway.inbox;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Deletes processed inbox rows past the retention, in bounded batches.
 */
public class InboxRetention implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(InboxRetention.class);

	private final InboxRepository repository;

	private final InboxProperties properties;

	private final Clock clock;

	private @Nullable ScheduledExecutorService scheduler;

	public InboxRetention(InboxRepository repository, InboxProperties properties, Clock clock) {
		this.repository = repository;
		this.properties = properties;
		this.clock = clock;
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
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
				new CustomizableThreadFactory("jetway-inbox-retention-"));
		long interval = this.properties.getCleanupInterval().toMillis();
		executor.scheduleWithFixedDelay(() -> {
			try {
				cleanUp();
			}
			catch (RuntimeException ex) {
				logger.warn("Inbox retention cleanup failed: " + ex);
			}
		}, interval, interval, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
