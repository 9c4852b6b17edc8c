package io.jetway.actuate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Thresholds of the {@code jetway} health indicator ({@code jetway.health.*}). Past a
 * threshold the indicator reports {@code DEGRADED}, never {@code DOWN}: a backlog is
 * worth a look, not a restart.
 */
@ConfigurationProperties("jetway.health")
public class JetwayHealthProperties {

	/**
	 * The longest one check (a database query, a NATS request) may take, so that a health
	 * call never hangs. A check that gets no answer within it reports the database or
	 * NATS as unreachable (DOWN); a database query gets a query timeout of this minus
	 * half a second (whole seconds, at least 1), and a query the database cancels at that
	 * timeout is slow, not unreachable (DEGRADED).
	 */
	private Duration timeout = Duration.ofSeconds(2);

	/**
	 * Outbox thresholds.
	 */
	private final Outbox outbox = new Outbox();

	/**
	 * Consumer thresholds, per consumer.
	 */
	private final Consumers consumers = new Consumers();

	/**
	 * Dead-letter thresholds.
	 */
	private final DeadLetters deadLetters = new DeadLetters();

	/**
	 * Job thresholds.
	 */
	private final Jobs jobs = new Jobs();

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Outbox getOutbox() {
		return this.outbox;
	}

	public Consumers getConsumers() {
		return this.consumers;
	}

	public DeadLetters getDeadLetters() {
		return this.deadLetters;
	}

	public Jobs getJobs() {
		return this.jobs;
	}

	/**
	 * Outbox thresholds.
	 */
	public static class Outbox {

		/**
		 * Pending outbox rows above which the outbox is degraded.
		 */
		private long maxPending = 10_000;

		/**
		 * Age of the oldest pending outbox row above which the outbox is degraded: the
		 * relay cannot publish (NATS away, a subject no stream captures).
		 */
		private Duration maxOldestPendingAge = Duration.ofMinutes(5);

		public long getMaxPending() {
			return this.maxPending;
		}

		public void setMaxPending(long maxPending) {
			this.maxPending = maxPending;
		}

		public Duration getMaxOldestPendingAge() {
			return this.maxOldestPendingAge;
		}

		public void setMaxOldestPendingAge(Duration maxOldestPendingAge) {
			this.maxOldestPendingAge = maxOldestPendingAge;
		}

	}

	/**
	 * Consumer thresholds, per consumer.
	 */
	public static class Consumers {

		/**
		 * Messages not yet delivered to a consumer (its lag, num pending) above which it
		 * is degraded: too slow, paused or stopped.
		 */
		private long maxLag = 10_000;

		/**
		 * Messages delivered and not yet acknowledged above which a consumer is degraded;
		 * also degraded when it reaches its own max-ack-pending (it gets nothing new).
		 */
		private long maxAckPending = 1_000;

		/**
		 * Messages redelivered and not yet acknowledged above which a consumer is
		 * degraded: its handler keeps failing or outlasts the ack wait.
		 */
		private long maxRedelivered = 100;

		public long getMaxLag() {
			return this.maxLag;
		}

		public void setMaxLag(long maxLag) {
			this.maxLag = maxLag;
		}

		public long getMaxAckPending() {
			return this.maxAckPending;
		}

		public void setMaxAckPending(long maxAckPending) {
			this.maxAckPending = maxAckPending;
		}

		public long getMaxRedelivered() {
			return this.maxRedelivered;
		}

		public void setMaxRedelivered(long maxRedelivered) {
			this.maxRedelivered = maxRedelivered;
		}

	}

	/**
	 * Dead-letter thresholds.
	 */
	public static class DeadLetters {

		/**
		 * Messages in the dead-letter stream above which Jetway is degraded; 0 reports
		 * any dead letter.
		 */
		private long max = 0;

		public long getMax() {
			return this.max;
		}

		public void setMax(long max) {
			this.max = max;
		}

	}

	/**
	 * Job thresholds.
	 */
	public static class Jobs {

		/**
		 * How long past its queue's timeout a job may stay running before it counts as
		 * stuck (its worker died or hangs outside the handler).
		 */
		private Duration stuckAfterTimeout = Duration.ofMinutes(1);

		/**
		 * How long the job dispatch recovery may be held back by an open transaction
		 * before jobs are degraded (the jetway.jobs.dispatch.recovery.held.back gauge).
		 */
		private Duration maxDispatchRecoveryHeldBack = Duration.ofMinutes(5);

		public Duration getStuckAfterTimeout() {
			return this.stuckAfterTimeout;
		}

		public void setStuckAfterTimeout(Duration stuckAfterTimeout) {
			this.stuckAfterTimeout = stuckAfterTimeout;
		}

		public Duration getMaxDispatchRecoveryHeldBack() {
			return this.maxDispatchRecoveryHeldBack;
		}

		public void setMaxDispatchRecoveryHeldBack(Duration maxDispatchRecoveryHeldBack) {
			this.maxDispatchRecoveryHeldBack = maxDispatchRecoveryHeldBack;
		}

	}

}
