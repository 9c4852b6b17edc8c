package io.jetway.inbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The inbox table.
 */
@ConfigurationProperties("jetway.inbox")
public class InboxProperties {

	/**
	 * How long processed inbox rows are kept. A message redelivered or republished with
	 * the same id after this is handled again.
	 */
	private Duration retention = Duration.ofDays(7);

	/**
	 * How often processed rows past the retention are deleted.
	 */
	private Duration cleanupInterval = Duration.ofMinutes(1);

	/**
	 * Rows deleted per cleanup statement.
	 */
	private int cleanupBatchSize = 1000;

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

	public Duration getCleanupInterval() {
		return this.cleanupInterval;
	}

	public void setCleanupInterval(Duration cleanupInterval) {
		this.cleanupInterval = cleanupInterval;
	}

	public int getCleanupBatchSize() {
		return this.cleanupBatchSize;
	}

	public void setCleanupBatchSize(int cleanupBatchSize) {
		this.cleanupBatchSize = cleanupBatchSize;
	}

}
