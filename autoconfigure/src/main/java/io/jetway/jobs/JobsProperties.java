package io.jetway.jobs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.jetway.support.BackoffProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Background jobs.
 */
@ConfigurationProperties("jetway.jobs")
public class JobsProperties {

	/**
	 * Whether background jobs are on (they need a DataSource and the outbox).
	 */
	private boolean enabled = true;

	/**
	 * Logical name of the work-queue stream that carries job messages.
	 */
	private String stream = "JOBS";

	/**
	 * Settings of queues not listed under jetway.jobs.queues.
	 */
	private final QueueProperties defaults = new QueueProperties();

	/**
	 * Queues by name.
	 */
	private Map<String, QueueProperties> queues = new LinkedHashMap<>();

	/**
	 * Cron schedules by name: each tick enqueues one job, once across all instances.
	 */
	private Map<String, ScheduleProperties> schedules = new LinkedHashMap<>();

	/**
	 * How long job completions wait to share one database commit.
	 */
	private Duration completionBatchWindow = Duration.ofMillis(5);

	/**
	 * How often cron schedules and queue pauses are checked.
	 */
	private Duration pollInterval = Duration.ofMillis(500);

	/**
	 * How job messages reach the stream.
	 */
	private final Dispatch dispatch = new Dispatch();

	/**
	 * How long finished jobs are kept.
	 */
	private final Retention retention = new Retention();

	public Retention getRetention() {
		return this.retention;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public Dispatch getDispatch() {
		return this.dispatch;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getStream() {
		return this.stream;
	}

	public void setStream(String stream) {
		this.stream = stream;
	}

	public QueueProperties getDefaults() {
		return this.defaults;
	}

	public Map<String, QueueProperties> getQueues() {
		return this.queues;
	}

	public void setQueues(Map<String, QueueProperties> queues) {
		this.queues = queues;
	}

	public Map<String, ScheduleProperties> getSchedules() {
		return this.schedules;
	}

	public void setSchedules(Map<String, ScheduleProperties> schedules) {
		this.schedules = schedules;
	}

	public Duration getCompletionBatchWindow() {
		return this.completionBatchWindow;
	}

	public void setCompletionBatchWindow(Duration completionBatchWindow) {
		this.completionBatchWindow = completionBatchWindow;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	/**
	 * @param queue a queue name
	 * @return its settings, or the defaults
	 */
	public QueueProperties queue(String queue) {
		return this.queues.getOrDefault(queue, this.defaults);
	}

	/**
	 * How job messages reach the stream.
	 */
	public static class Dispatch {

		/**
		 * Whether, on PostgreSQL, the message of a job to run now is published straight
		 * from memory after the commit, with jetway_jobs itself as the record of what is
		 * left to publish, instead of through an outbox row. Delayed jobs, retries of
		 * failed jobs, and every job on other databases go through the outbox.
		 */
		private boolean direct = true;

		/**
		 * How long a job stays pending before the recovery publishes its message again,
		 * in case its enqueuing instance stopped before publishing it. Keep it below half
		 * the jobs stream's duplicate window, so that the stream drops the second copy.
		 */
		private Duration recoveryDelay = Duration.ofSeconds(30);

		/**
		 * How often an instance looks for jobs to recover (one instance at a time does).
		 */
		private Duration recoveryInterval = Duration.ofSeconds(5);

		/**
		 * How long the oldest transaction still running anywhere in the PostgreSQL
		 * cluster may hold the recovery back before a WARN names its session. Such a
		 * transaction (an idle session in a transaction, a long report) delays the
		 * recovery of jobs enqueued since it began; the held-back time is the
		 * jetway.jobs.dispatch.recovery.held.back gauge.
		 */
		private Duration recoveryHeldBackWarning = Duration.ofMinutes(5);

		/**
		 * The most job messages published as one batch.
		 */
		private int batchSize = 500;

		public boolean isDirect() {
			return this.direct;
		}

		public void setDirect(boolean direct) {
			this.direct = direct;
		}

		public Duration getRecoveryDelay() {
			return this.recoveryDelay;
		}

		public void setRecoveryDelay(Duration recoveryDelay) {
			this.recoveryDelay = recoveryDelay;
		}

		public Duration getRecoveryInterval() {
			return this.recoveryInterval;
		}

		public void setRecoveryInterval(Duration recoveryInterval) {
			this.recoveryInterval = recoveryInterval;
		}

		public Duration getRecoveryHeldBackWarning() {
			return this.recoveryHeldBackWarning;
		}

		public void setRecoveryHeldBackWarning(Duration recoveryHeldBackWarning) {
			this.recoveryHeldBackWarning = recoveryHeldBackWarning;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

	}

	/**
	 * One queue's workers.
	 */
	public static class QueueProperties {

		/**
		 * Jobs of the queue this instance runs at once.
		 */
		private int concurrency = 4;

		/**
		 * Attempts per job before it is failed.
		 */
		private int maxAttempts = 5;

		/**
		 * How long one attempt may run before its handler is interrupted and the attempt
		 * fails (and is retried).
		 */
		private Duration timeout = Duration.ofMinutes(5);

		/**
		 * How long the server waits for a sign of life from a worker before giving the
		 * job to another one; running jobs send in-progress acks well within it.
		 */
		private Duration ackWait = Duration.ofSeconds(30);

		/**
		 * Delay before each retry.
		 */
		private final BackoffProperties backoff = new BackoffProperties(Duration.ofSeconds(1), 2,
				Duration.ofMinutes(10), 0.2);

		/**
		 * Template of the subject of the queue's job messages: dot-separated tokens, each
		 * a literal or a placeholder, '{queue}' (required) for the queue's name and
		 * '{name}' for the value of the job's metadata 'name', such as
		 * 'atlasdb.jobs.{project}.{env}.{queue}'. The queue's workers take every subject
		 * the template makes. A queue without one uses jetway.jobs.defaults.subject, and
		 * without that 'jetway.jobs.queue.{queue}'.
		 */
		private @Nullable String subject;

		public @Nullable String getSubject() {
			return this.subject;
		}

		public void setSubject(@Nullable String subject) {
			this.subject = subject;

		}

		/**
		 * Whether the queue's jobs are run by external workers (the Open Job Spec HTTP
		 * binding, jetway.jobs.ojs) instead of in-process handlers: no instance consumes
		 * it, and jobs of types without a handler may be enqueued on it.
		 */
		private boolean external;

		public boolean isExternal() {
			return this.external;
		}

		public void setExternal(boolean external) {
			this.external = external;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getAckWait() {
			return this.ackWait;
		}

		public void setAckWait(Duration ackWait) {
			this.ackWait = ackWait;
		}

		public BackoffProperties getBackoff() {
			return this.backoff;
		}

	}

	/**
	 * A cron schedule.
	 */
	public static class ScheduleProperties {

		/**
		 * Spring cron expression with seconds, such as '0 0 2 * * *'.
		 */
		private @Nullable String cron;

		/**
		 * Time zone of the cron expression.
		 */
		private String zone = "UTC";

		/**
		 * Job type to enqueue at each tick.
		 */
		private @Nullable String type;

		/**
		 * Queue override; the handler's queue when empty.
		 */
		private @Nullable String queue;

		/**
		 * Payload as JSON.
		 */
		private String payload = "{}";

		public @Nullable String getCron() {
			return this.cron;
		}

		public void setCron(@Nullable String cron) {
			this.cron = cron;
		}

		public String getZone() {
			return this.zone;
		}

		public void setZone(String zone) {
			this.zone = zone;
		}

		public @Nullable String getType() {
			return this.type;
		}

		public void setType(@Nullable String type) {
			this.type = type;
		}

		public @Nullable String getQueue() {
			return this.queue;
		}

		public void setQueue(@Nullable String queue) {
			this.queue = queue;
		}

		public String getPayload() {
			return this.payload;
		}

		public void setPayload(String payload) {
			this.payload = payload;
		}

	}

	/**
	 * How long finished jobs are kept in jetway_jobs. Unfinished jobs and cron schedules
	 * are never deleted.
	 */
	public static class Retention {

		/**
		 * Whether finished jobs are deleted once past their age.
		 */
		private boolean enabled = true;

		/**
		 * How long a completed job is kept after it completed.
		 */
		private Duration succeeded = Duration.ofDays(7);

		/**
		 * How long a failed or cancelled job is kept after it failed or was cancelled (a
		 * cancelled job also at least this long after its run time).
		 */
		private Duration failed = Duration.ofDays(30);

		/**
		 * How long a job with an idempotency key is kept at least after it was enqueued,
		 * whatever its age: enqueues with the key return that job for at least this long.
		 */
		private Duration idempotencyKeyWindow = Duration.ofHours(24);

		/**
		 * How often finished jobs past their age are deleted.
		 */
		private Duration cleanupInterval = Duration.ofMinutes(5);

		/**
		 * Jobs deleted per statement (and transaction).
		 */
		private int batchSize = 1000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getSucceeded() {
			return this.succeeded;
		}

		public void setSucceeded(Duration succeeded) {
			this.succeeded = succeeded;
		}

		public Duration getFailed() {
			return this.failed;
		}

		public void setFailed(Duration failed) {
			this.failed = failed;
		}

		public Duration getIdempotencyKeyWindow() {
			return this.idempotencyKeyWindow;
		}

		public void setIdempotencyKeyWindow(Duration idempotencyKeyWindow) {
			this.idempotencyKeyWindow = idempotencyKeyWindow;
		}

		public Duration getCleanupInterval() {
			return this.cleanupInterval;
		}

		public void setCleanupInterval(Duration cleanupInterval) {
			this.cleanupInterval = cleanupInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

	}

}
