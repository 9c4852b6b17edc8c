package io.jetway.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Durable pull consumers, one per entry of {@code jetway.consumers}, each served by the
 * {@link JetStreamListener} method naming it.
 */
@ConfigurationProperties("jetway")
public class JetwayConsumersProperties {

	/**
	 * Durable pull consumers by name; the name is the durable's name and what
	 * {@code @JetStreamListener} refers to.
	 */
	private Map<String, ConsumerProperties> consumers = new LinkedHashMap<>();

	public Map<String, ConsumerProperties> getConsumers() {
		return this.consumers;
	}

	public void setConsumers(Map<String, ConsumerProperties> consumers) {
		this.consumers = consumers;
	}

	/**
	 * Where new consumers start.
	 */
	public enum DeliverPolicy {

		/** From the first message the stream holds. */
		ALL,

		/** Only messages published after the consumer was created. */
		NEW,

		/** From the last message. */
		LAST,

		/** From {@code start-time}. */
		BY_START_TIME

	}

	/**
	 * How a consumer with the inbox groups its database transactions.
	 */
	public enum TransactionMode {

		/** One transaction per message: short locks, commit rate bound. */
		PER_MESSAGE,

		/**
		 * One transaction per fetched batch with a savepoint per message: far more
		 * messages per second, locks held for the whole batch.
		 */
		PER_BATCH

	}

	/**
	 * One durable pull consumer.
	 */
	public static class ConsumerProperties {

		/**
		 * Stream to consume (its logical name; the namespace's stream prefix is applied).
		 */
		private @Nullable String stream;

		/**
		 * Subject filter within the stream (the namespace's subject prefix is applied);
		 * all subjects when empty.
		 */
		private @Nullable String filterSubject;

		/**
		 * Where a new consumer starts: all, new, last or by-start-time.
		 */
		private DeliverPolicy deliverPolicy = DeliverPolicy.ALL;

		/**
		 * Start time for the 'by-start-time' deliver policy.
		 */
		private @Nullable Instant startTime;

		/**
		 * How long the server waits for an ack before redelivering. Long handlers keep
		 * their messages alive with in-progress acks.
		 */
		private Duration ackWait = Duration.ofSeconds(30);

		/**
		 * Deliveries per message before it goes to the dead-letter subject. Jetway
		 * enforces it (the durable's own max deliver is unlimited), so a message is never
		 * dropped while its dead letter cannot be stored.
		 */
		private int maxDeliver = 5;

		/**
		 * Redelivery delays after a failed delivery: the n-th failure waits the n-th
		 * entry (the last entry repeats).
		 */
		private List<Duration> backoff = new ArrayList<>(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(60)));

		/**
		 * Most unacknowledged messages the server hands this consumer at once.
		 */
		private int maxAckPending = 1000;

		/**
		 * Messages (or batches, in per-batch mode) handled in parallel by this instance.
		 */
		private int concurrency = 1;

		/**
		 * Messages fetched per pull request.
		 */
		private int batchSize = 25;

		/**
		 * Whether the handler runs in a transaction with an inbox row, so a message whose
		 * id was already processed is acknowledged without calling the handler again.
		 */
		private boolean inbox = false;

		/**
		 * How inbox transactions are grouped: per-message or per-batch.
		 */
		private TransactionMode transaction = TransactionMode.PER_MESSAGE;

		/**
		 * Whether messages that run out of deliveries, fail with a non-retryable
		 * exception, or cannot be read are published to the dead-letter subject.
		 */
		private boolean deadLetter = true;

		/**
		 * Dead-letter subject, used as it is; defaults to
		 * jetway.dlq.&lt;stream&gt;.&lt;consumer&gt;.&lt;message id token&gt; in the
		 * JETWAY_DLQ stream, which Jetway declares (DeadLetters.find looks dead letters
		 * up by it).
		 */
		private @Nullable String deadLetterSubject;

		/**
		 * Exception types that go to the dead-letter subject at once instead of being
		 * retried (subclasses included). NonRetryableException always does.
		 */
		private List<Class<? extends Throwable>> nonRetryable = new ArrayList<>();

		/**
		 * Whether the listener starts with the application; when false it starts paused.
		 */
		private boolean autoStartup = true;

		/**
		 * How long a handler may run before it is interrupted and its delivery counts as
		 * failed (redelivered with backoff, or dead-lettered on the last delivery). A
		 * handler that ignores the interrupt is given up on after as long again (at most
		 * 30 s more): its message is settled and a new thread takes its place. 0 turns
		 * the timeout off.
		 */
		private Duration handlerTimeout = Duration.ofMinutes(5);

		public @Nullable String getStream() {
			return this.stream;
		}

		public void setStream(@Nullable String stream) {
			this.stream = stream;
		}

		public @Nullable String getFilterSubject() {
			return this.filterSubject;
		}

		public void setFilterSubject(@Nullable String filterSubject) {
			this.filterSubject = filterSubject;
		}

		public DeliverPolicy getDeliverPolicy() {
			return this.deliverPolicy;
		}

		public void setDeliverPolicy(DeliverPolicy deliverPolicy) {
			this.deliverPolicy = deliverPolicy;
		}

		public @Nullable Instant getStartTime() {
			return this.startTime;
		}

		public void setStartTime(@Nullable Instant startTime) {
			this.startTime = startTime;
		}

		public Duration getAckWait() {
			return this.ackWait;
		}

		public void setAckWait(Duration ackWait) {
			this.ackWait = ackWait;
		}

		public int getMaxDeliver() {
			return this.maxDeliver;
		}

		public void setMaxDeliver(int maxDeliver) {
			this.maxDeliver = maxDeliver;
		}

		public List<Duration> getBackoff() {
			return this.backoff;
		}

		public void setBackoff(List<Duration> backoff) {
			this.backoff = backoff;
		}

		public int getMaxAckPending() {
			return this.maxAckPending;
		}

		public void setMaxAckPending(int maxAckPending) {
			this.maxAckPending = maxAckPending;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public boolean isInbox() {
			return this.inbox;
		}

		public void setInbox(boolean inbox) {
			this.inbox = inbox;
		}

		public TransactionMode getTransaction() {
			return this.transaction;
		}

		public void setTransaction(TransactionMode transaction) {
			this.transaction = transaction;
		}

		public boolean isDeadLetter() {
			return this.deadLetter;
		}

		public void setDeadLetter(boolean deadLetter) {
			this.deadLetter = deadLetter;
		}

		public @Nullable String getDeadLetterSubject() {
			return this.deadLetterSubject;
		}

		public void setDeadLetterSubject(@Nullable String deadLetterSubject) {
			this.deadLetterSubject = deadLetterSubject;
		}

		public List<Class<? extends Throwable>> getNonRetryable() {
			return this.nonRetryable;
		}

		public void setNonRetryable(List<Class<? extends Throwable>> nonRetryable) {
			this.nonRetryable = nonRetryable;
		}

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public Duration getHandlerTimeout() {
			return this.handlerTimeout;
		}

		public void setHandlerTimeout(Duration handlerTimeout) {
			this.handlerTimeout = handlerTimeout;
		}

	}

}
