package io.jetway.outbox;

import java.time.Duration;

import io.jetway.support.BackoffProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The transactional outbox.
 */
@ConfigurationProperties("jetway.outbox")
public class OutboxProperties {

	/**
	 * Whether publishing inside a transaction goes through the outbox table. On by
	 * default when a DataSource exists.
	 */
	private boolean enabled = true;

	/**
	 * Whether a publish outside a transaction throws instead of publishing directly.
	 */
	private boolean requireTransaction = false;

	/**
	 * What happens to a row once JetStream stored its message: 'update' marks it sent and
	 * deletes it after the retention period, 'delete' deletes it at once.
	 */
	private CompletionMode completionMode = CompletionMode.UPDATE;

	/**
	 * How long sent rows are kept in 'update' completion mode.
	 */
	private Duration retention = Duration.ofDays(7);

	private final Relay relay = new Relay();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isRequireTransaction() {
		return this.requireTransaction;
	}

	public void setRequireTransaction(boolean requireTransaction) {
		this.requireTransaction = requireTransaction;
	}

	public CompletionMode getCompletionMode() {
		return this.completionMode;
	}

	public void setCompletionMode(CompletionMode completionMode) {
		this.completionMode = completionMode;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

	public Relay getRelay() {
		return this.relay;
	}

	/**
	 * The relay that publishes committed rows.
	 */
	public static class Relay {

		/**
		 * Rows published per claim and per database transaction of the relay.
		 */
		private int batchSize = 100;

		/**
		 * How often the recovery poller looks for rows that are due: delayed rows, rows
		 * to retry, and rows another instance left behind.
		 */
		private Duration pollInterval = Duration.ofMillis(250);

		/**
		 * How long a committed row is left to the instance that committed it before any
		 * instance's recovery poller may publish it (covers a crash between commit and
		 * publish).
		 */
		private Duration recoveryDelay = Duration.ofSeconds(5);

		/**
		 * How long the relay waits for the PubAcks of a batch.
		 */
		private Duration ackTimeout = Duration.ofSeconds(5);

		/**
		 * Publish attempts per row before it is marked failed (it stays in the table and
		 * can be republished). Attempts made while NATS is disconnected do not count.
		 */
		private int maxAttempts = 20;

		/**
		 * Delay between attempts of a row that failed.
		 */
		private final BackoffProperties backoff = new BackoffProperties(Duration.ofSeconds(1), 2, Duration.ofMinutes(5),
				0.1);

		/**
		 * How often sent rows older than the retention are deleted.
		 */
		private Duration cleanupInterval = Duration.ofMinutes(1);

		/**
		 * Rows deleted per statement by the retention cleanup.
		 */
		private int cleanupBatchSize = 1000;

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getRecoveryDelay() {
			return this.recoveryDelay;
		}

		public void setRecoveryDelay(Duration recoveryDelay) {
			this.recoveryDelay = recoveryDelay;
		}

		public Duration getAckTimeout() {
			return this.ackTimeout;
		}

		public void setAckTimeout(Duration ackTimeout) {
			this.ackTimeout = ackTimeout;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public BackoffProperties getBackoff() {
			return this.backoff;
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

}
