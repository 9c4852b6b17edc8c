package io.jetway.topology;

import java.time.Duration;

import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a declared stream other than its name and subjects. Limits of
 * {@code -1} (or any value of zero or less) and a zero max age mean unlimited.
 *
 * @param storage where messages are kept; never changes in place
 * @param retention when messages are removed; changes in place only between limits and
 * interest, and only on nats-server 2.10 or later
 * @param replicas copies in a cluster; {@value #DEFAULT_REPLICAS} for
 * {@code jetway.topology.default-replicas}, in which case an existing stream with more
 * replicas keeps them
 * @param maxAge oldest message kept, {@link Duration#ZERO} for no limit
 * @param maxBytes stream size limit in bytes
 * @param maxMsgs message count limit
 * @param maxMsgSize largest message accepted, in bytes
 * @param duplicateWindow how long a {@code Nats-Msg-Id} is remembered for de-duplication
 * @param discard what is dropped when a limit is reached
 * @param description free text shown by {@code nats stream info}, or {@code null}
 */
public record StreamSettings(StorageType storage, RetentionPolicy retention, int replicas, Duration maxAge,
		long maxBytes, long maxMsgs, long maxMsgSize, Duration duplicateWindow, DiscardPolicy discard,
		@Nullable String description) {

	/** The replicas value that stands for {@code jetway.topology.default-replicas}. */
	public static final int DEFAULT_REPLICAS = 0;

	private static final StreamSettings DEFAULTS = builder().build();

	public StreamSettings {
		replicas = Math.max(DEFAULT_REPLICAS, replicas);
		maxAge = (maxAge.isNegative()) ? Duration.ZERO : maxAge;
		maxBytes = unlimitedIfNotPositive(maxBytes);
		maxMsgs = unlimitedIfNotPositive(maxMsgs);
		maxMsgSize = unlimitedIfNotPositive(maxMsgSize);
		description = (description == null || description.isEmpty()) ? null : description;
	}

	/**
	 * @return file storage, limits retention, the default replicas, no limits, a
	 * two-minute duplicate window, discard old
	 */
	public static StreamSettings defaults() {
		return DEFAULTS;
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * @param configuration a stream's configuration as the server reports it
	 * @return its settings
	 */
	public static StreamSettings from(StreamConfiguration configuration) {
		return new StreamSettings(configuration.getStorageType(), configuration.getRetentionPolicy(),
				configuration.getReplicas(), configuration.getMaxAge(), configuration.getMaxBytes(),
				configuration.getMaxMsgs(), configuration.getMaxMsgSize(), configuration.getDuplicateWindow(),
				configuration.getDiscardPolicy(), configuration.getDescription());
	}

	/**
	 * @return a builder holding these settings
	 */
	public Builder toBuilder() {
		return new Builder().storage(this.storage)
			.retention(this.retention)
			.replicas(this.replicas)
			.maxAge(this.maxAge)
			.maxBytes(this.maxBytes)
			.maxMsgs(this.maxMsgs)
			.maxMsgSize(this.maxMsgSize)
			.duplicateWindow(this.duplicateWindow)
			.discard(this.discard)
			.description(this.description);
	}

	/**
	 * @return whether the replicas are set rather than left to
	 * {@code jetway.topology.default-replicas}
	 */
	public boolean replicasDeclared() {
		return this.replicas != DEFAULT_REPLICAS;
	}

	/**
	 * @return these settings with the given replicas
	 */
	StreamSettings withReplicas(int replicas) {
		return toBuilder().replicas(replicas).build();
	}

	/**
	 * Sets every setting that can change in place on an existing stream (replicas only
	 * when set: the planner resolves the default before).
	 * @param builder a builder for a stream's configuration
	 * @return the builder
	 */
	StreamConfiguration.Builder applyMutable(StreamConfiguration.Builder builder) {
		if (replicasDeclared()) {
			builder.replicas(this.replicas);
		}
		return builder.maxAge(this.maxAge)
			.maxBytes(this.maxBytes)
			.maxMessages(this.maxMsgs)
			.maxMsgSize(this.maxMsgSize)
			.duplicateWindow(this.duplicateWindow)
			.discardPolicy(this.discard)
			.description(this.description);
	}

	/**
	 * Sets every setting, for a new stream.
	 * @param builder a builder for a stream's configuration
	 * @return the builder
	 */
	StreamConfiguration.Builder applyAll(StreamConfiguration.Builder builder) {
		return applyMutable(builder).storageType(this.storage).retentionPolicy(this.retention);
	}

	private static long unlimitedIfNotPositive(long value) {
		return (value <= 0) ? -1 : value;
	}

	/**
	 * Builds {@link StreamSettings}, starting from the defaults.
	 */
	public static final class Builder {

		private StorageType storage = StorageType.File;

		private RetentionPolicy retention = RetentionPolicy.Limits;

		private int replicas = DEFAULT_REPLICAS;

		private Duration maxAge = Duration.ZERO;

		private long maxBytes = -1;

		private long maxMsgs = -1;

		private long maxMsgSize = -1;

		private Duration duplicateWindow = Duration.ofMinutes(2);

		private DiscardPolicy discard = DiscardPolicy.Old;

		private @Nullable String description;

		private Builder() {
		}

		public Builder storage(StorageType storage) {
			this.storage = storage;
			return this;
		}

		public Builder retention(RetentionPolicy retention) {
			this.retention = retention;
			return this;
		}

		public Builder replicas(int replicas) {
			this.replicas = replicas;
			return this;
		}

		public Builder maxAge(Duration maxAge) {
			this.maxAge = maxAge;
			return this;
		}

		public Builder maxBytes(long maxBytes) {
			this.maxBytes = maxBytes;
			return this;
		}

		public Builder maxMsgs(long maxMsgs) {
			this.maxMsgs = maxMsgs;
			return this;
		}

		public Builder maxMsgSize(long maxMsgSize) {
			this.maxMsgSize = maxMsgSize;
			return this;
		}

		public Builder duplicateWindow(Duration duplicateWindow) {
			this.duplicateWindow = duplicateWindow;
			return this;
		}

		public Builder discard(DiscardPolicy discard) {
			this.discard = discard;
			return this;
		}

		public Builder description(@Nullable String description) {
			this.description = description;
			return this;
		}

		public StreamSettings build() {
			return new StreamSettings(this.storage, this.retention, this.replicas, this.maxAge, this.maxBytes,
					this.maxMsgs, this.maxMsgSize, this.duplicateWindow, this.discard, this.description);
		}

	}

}
