package io.jetway.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The JetStream streams an application declares, and what Jetway does with them at
 * startup.
 *
 * @see TopologyAutoConfiguration
 */
@ConfigurationProperties("jetway.topology")
public class JetwayTopologyProperties {

	/**
	 * What to do with the declared streams at startup: 'ensure' creates and updates them,
	 * 'validate' fails startup when the server differs, 'off' does nothing.
	 */
	private TopologyMode mode = TopologyMode.ENSURE;

	/**
	 * Replicas of every stream Jetway creates whose declaration sets none: the jobs
	 * stream, the dead-letter stream, and streams under jetway.topology.streams or
	 * StreamDeclaration beans without replicas (1 to 5; 3 for a three-node cluster).
	 * Consumers take their stream's replicas. An existing stream with more replicas than
	 * this is kept as it is (and reported); one with fewer is scaled up.
	 */
	private int defaultReplicas = 1;

	/**
	 * Streams by logical name (the stream name before jetway.namespace.stream-prefix).
	 */
	private Map<String, Stream> streams = new LinkedHashMap<>();

	public TopologyMode getMode() {
		return this.mode;
	}

	public void setMode(TopologyMode mode) {
		this.mode = mode;
	}

	public int getDefaultReplicas() {
		return this.defaultReplicas;
	}

	public void setDefaultReplicas(int defaultReplicas) {
		this.defaultReplicas = defaultReplicas;
	}

	public Map<String, Stream> getStreams() {
		return this.streams;
	}

	public void setStreams(Map<String, Stream> streams) {
		this.streams = streams;
	}

	/**
	 * One declared stream.
	 */
	public static class Stream {

		/**
		 * Subjects the stream captures, before jetway.namespace.subject-prefix, such as
		 * 'orders.>'. '*' matches one token, '>' one or more trailing tokens.
		 */
		private List<String> subjects = new ArrayList<>();

		/**
		 * Where messages are kept: 'file' or 'memory'. Cannot change once the stream
		 * exists.
		 */
		private StorageType storage = StorageType.File;

		/**
		 * When messages are removed: 'limits' (by the limits below), 'interest' (once
		 * every consumer acknowledged) or 'work-queue' (once one consumer acknowledged).
		 * nats-server 2.9 cannot change it once the stream exists; 2.10 and later change
		 * it between limits and interest.
		 */
		private RetentionPolicy retention = RetentionPolicy.Limits;

		/**
		 * Copies of each message in a JetStream cluster (1 to 5; a single server only
		 * supports 1). Unset: jetway.topology.default-replicas, and an existing stream
		 * with more replicas keeps them. Set: followed both ways. Set alone, without
		 * subjects, under the name of a stream Jetway declares itself (JOBS, JETWAY_DLQ),
		 * it sets that stream's replicas.
		 */
		private @Nullable Integer replicas;

		/**
		 * Oldest message kept; 0 for no limit.
		 */
		private Duration maxAge = Duration.ZERO;

		/**
		 * Size limit of the stream; -1 for no limit.
		 */
		private DataSize maxBytes = DataSize.ofBytes(-1);

		/**
		 * Message count limit of the stream; -1 for no limit.
		 */
		private long maxMsgs = -1;

		/**
		 * Largest message the stream accepts; -1 for the server's limit.
		 */
		private DataSize maxMsgSize = DataSize.ofBytes(-1);

		/**
		 * How long a Nats-Msg-Id is remembered to drop duplicate publishes. Must not be
		 * longer than max-age.
		 */
		private Duration duplicateWindow = Duration.ofMinutes(2);

		/**
		 * What is dropped when a limit is reached: 'old' (oldest messages) or 'new'
		 * (refuse new publishes).
		 */
		private DiscardPolicy discard = DiscardPolicy.Old;

		/**
		 * Description shown by 'nats stream info'.
		 */
		private @Nullable String description;

		public List<String> getSubjects() {
			return this.subjects;
		}

		public void setSubjects(List<String> subjects) {
			this.subjects = subjects;
		}

		public StorageType getStorage() {
			return this.storage;
		}

		public void setStorage(StorageType storage) {
			this.storage = storage;
		}

		public RetentionPolicy getRetention() {
			return this.retention;
		}

		public void setRetention(RetentionPolicy retention) {
			this.retention = retention;
		}

		public @Nullable Integer getReplicas() {
			return this.replicas;
		}

		public void setReplicas(@Nullable Integer replicas) {
			this.replicas = replicas;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
		}

		public long getMaxMsgs() {
			return this.maxMsgs;
		}

		public void setMaxMsgs(long maxMsgs) {
			this.maxMsgs = maxMsgs;
		}

		public DataSize getMaxMsgSize() {
			return this.maxMsgSize;
		}

		public void setMaxMsgSize(DataSize maxMsgSize) {
			this.maxMsgSize = maxMsgSize;
		}

		public Duration getDuplicateWindow() {
			return this.duplicateWindow;
		}

		public void setDuplicateWindow(Duration duplicateWindow) {
			this.duplicateWindow = duplicateWindow;
		}

		public DiscardPolicy getDiscard() {
			return this.discard;
		}

		public void setDiscard(DiscardPolicy discard) {
			this.discard = discard;
		}

		public @Nullable String getDescription() {
			return this.description;
		}

		public void setDescription(@Nullable String description) {
			this.description = description;
		}

	}

}
