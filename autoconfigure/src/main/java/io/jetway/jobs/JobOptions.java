package io.jetway.jobs;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How to enqueue a job.
 *
 * @param delay run no earlier than this from now
 * @param runAt run no earlier than this instant
 * @param idempotencyKey a key that makes enqueueing the same job again return the first
 * job's id
 * @param webhookUrl a URL that receives the job's status when it completes or fails
 * @param maxAttempts overrides the queue's max attempts
 * @param queue overrides the handler's queue
 */
public record JobOptions(@Nullable Duration delay, @Nullable Instant runAt, @Nullable String idempotencyKey,
		@Nullable String webhookUrl, @Nullable Integer maxAttempts, @Nullable String queue) {

	public static final JobOptions DEFAULTS = new JobOptions(null, null, null, null, null, null);

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds {@link JobOptions}.
	 */
	public static final class Builder {

		private @Nullable Duration delay;

		private @Nullable Instant runAt;

		private @Nullable String idempotencyKey;

		private @Nullable String webhookUrl;

		private @Nullable Integer maxAttempts;

		private @Nullable String queue;

		public Builder delay(Duration delay) {
			this.delay = delay;
			return this;
		}

		public Builder runAt(Instant runAt) {
			this.runAt = runAt;
			return this;
		}

		public Builder idempotencyKey(String idempotencyKey) {
			this.idempotencyKey = idempotencyKey;
			return this;
		}

		public Builder webhookUrl(String webhookUrl) {
			this.webhookUrl = webhookUrl;
			return this;
		}

		public Builder maxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
			return this;
		}

		public Builder queue(String queue) {
			this.queue = queue;
			return this;
		}

		public JobOptions build() {
			return new JobOptions(this.delay, this.runAt, this.idempotencyKey, this.webhookUrl, this.maxAttempts,
					this.queue);
		}

	}

}
