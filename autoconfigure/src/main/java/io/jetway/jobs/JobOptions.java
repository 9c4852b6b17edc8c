package io.jetway.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

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
 * @param meta the job's metadata (OJS {@code meta}): names to JSON-serializable values,
 * stored with the job as a JSON object, returned by {@link JobClient#status}, given to
 * the handler ({@link JobContext#meta()}) and sent in the job's events and in its
 * message's {@code Jetway-Job-Meta} header; at most {@link #MAX_META_LENGTH} characters
 * as JSON. A queue's subject template takes tokens from it (docs/jobs.md, Subjects).
 * @param id the job's id instead of a generated one (OJS's client-provided id);
 * enqueueing a job with the id of a job that exists fails with
 * {@link DuplicateJobException}; not together with an idempotency key (the id already
 * makes a second enqueue of the job fail)
 */
public record JobOptions(@Nullable Duration delay, @Nullable Instant runAt, @Nullable String idempotencyKey,
		@Nullable String webhookUrl, @Nullable Integer maxAttempts, @Nullable String queue,
		@Nullable Map<String, ?> meta, @Nullable UUID id) {

	public static final JobOptions DEFAULTS = new JobOptions(null, null, null, null, null, null, null);

	/**
	 * The longest metadata, in characters of its JSON object (non-ASCII characters
	 * escaped): it travels in a message header, and NATS limits a message's headers and
	 * body together to the server's {@code max_payload}.
	 */
	public static final int MAX_META_LENGTH = 4096;

	/**
	 * The latest run time a job can have: the end of year 9999, the last instant every
	 * supported database stores.
	 */
	public static final Instant LATEST_RUN_AT = Instant.parse("9999-12-31T23:59:59Z");

	/**
	 * The run time from which a job is held (the start of year 9999): no message is
	 * written for it, so it never comes due by itself; {@link JobClient#runNow} releases
	 * it (OJS's staged jobs, {@code options.pending}). Job retention deletes a held job
	 * that was cancelled without waiting for its run time.
	 */
	public static final Instant HELD = Instant.parse("9999-01-01T00:00:00Z");

	/**
	 * Options with a generated id.
	 */
	public JobOptions(@Nullable Duration delay, @Nullable Instant runAt, @Nullable String idempotencyKey,
			@Nullable String webhookUrl, @Nullable Integer maxAttempts, @Nullable String queue,
			@Nullable Map<String, ?> meta) {
		this(delay, runAt, idempotencyKey, webhookUrl, maxAttempts, queue, meta, null);
	}

	/**
	 * Options without metadata.
	 */
	public JobOptions(@Nullable Duration delay, @Nullable Instant runAt, @Nullable String idempotencyKey,
			@Nullable String webhookUrl, @Nullable Integer maxAttempts, @Nullable String queue) {
		this(delay, runAt, idempotencyKey, webhookUrl, maxAttempts, queue, null);
	}

	public JobOptions {
		if (id != null && idempotencyKey != null) {
			throw new IllegalArgumentException("The job options give both an id (" + id + ") and an idempotencyKey ('"
					+ idempotencyKey + "'); give one of them: with the id, enqueueing the job again fails with "
					+ "DuplicateJobException");
		}
		if (meta != null) {
			meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
		}
		if (delay != null) {
			if (delay.isNegative()) {
				throw new IllegalArgumentException(
						"The job delay is negative (" + delay + "); give a delay of zero or more");
			}
			if (delay.compareTo(Duration.between(Instant.now(), LATEST_RUN_AT)) > 0) {
				throw new IllegalArgumentException("The job delay " + delay + " ends after " + LATEST_RUN_AT
						+ ", the latest run time a job can have; give a shorter delay");
			}
		}
		if (runAt != null && runAt.isAfter(LATEST_RUN_AT)) {
			throw new IllegalArgumentException("The job runAt " + runAt + " is after " + LATEST_RUN_AT
					+ ", the latest run time a job can have (year 9999); give an earlier instant");
		}
	}

	/**
	 * When a job enqueued at {@code now} with these options is due.
	 * @throws IllegalArgumentException when that is after {@link #LATEST_RUN_AT}
	 */
	Instant runAt(Instant now) {
		if (this.runAt != null) {
			return this.runAt;
		}
		if (this.delay == null) {
			return now;
		}
		if (this.delay.compareTo(Duration.between(now, LATEST_RUN_AT)) > 0) {
			throw new IllegalArgumentException("The job delay " + this.delay + " ends after " + LATEST_RUN_AT
					+ ", the latest run time a job can have; give a shorter delay");
		}
		return now.plus(this.delay);
	}

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

		private @Nullable Map<String, ?> meta;

		private @Nullable UUID id;

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

		/**
		 * @param meta the job's metadata, see {@link JobOptions#meta()}
		 * @return this builder
		 */
		public Builder meta(Map<String, ?> meta) {
			this.meta = meta;
			return this;
		}

		/**
		 * @param id the job's id, see {@link JobOptions#id()}
		 * @return this builder
		 */
		public Builder id(UUID id) {
			this.id = id;
			return this;
		}

		public JobOptions build() {
			return new JobOptions(this.delay, this.runAt, this.idempotencyKey, this.webhookUrl, this.maxAttempts,
					this.queue, this.meta, this.id);
		}

	}

}
