package io.jetway.jobs.ojs;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Open Job Spec HTTP binding for external workers.
 */
@ConfigurationProperties("jetway.jobs.ojs")
public class OjsProperties {

	/**
	 * Whether the OJS endpoints are served (needs Spring MVC and Jetway's jobs).
	 */
	private boolean enabled;

	/**
	 * Path under which the endpoints are served: the manifest at {base-path}/manifest,
	 * the rest under {base-path}/v1. Starts with '/', without a trailing '/', '//', '.'
	 * or '..' segments; not '/' alone.
	 */
	private String basePath = "/ojs";

	/**
	 * The most job queues (durable consumers of the jobs stream) OJS producers and
	 * workers may name; a PUSH or FETCH naming a further queue not declared under
	 * jetway.jobs.queues is refused.
	 */
	private int maxQueues = 100;

	/**
	 * The most cron jobs POST /ojs/v1/cron may register (all instances together); a
	 * further registration is refused with 400 until one is deleted.
	 */
	private int maxCrons = 1000;

	/**
	 * Visibility timeout of a fetched job when the worker names none.
	 */
	private Duration visibilityTimeout = Duration.ofSeconds(30);

	/**
	 * The longest visibility timeout a worker may ask for (FETCH and BEAT
	 * visibility_timeout_ms); a longer one is refused with 400.
	 */
	private Duration maxVisibilityTimeout = Duration.ofHours(1);

	/**
	 * How often expired leases are looked for (and their jobs failed or retried).
	 */
	private Duration leaseSweepInterval = Duration.ofSeconds(1);

	/**
	 * How long the state a worker was asked to be in (quiet, terminate) is kept after its
	 * last heartbeat or request; then the worker is running again.
	 */
	private Duration workerStateRetention = Duration.ofDays(7);

	/**
	 * Whether the worker endpoints (fetch, ack, nack, heartbeat) require a worker token
	 * (Authorization: Bearer wkr_...). Turn off only for conformance runs or on a network
	 * of trusted workers.
	 */
	private boolean requireWorkerToken = true;

	/**
	 * Key that admin calls (minting, listing and revoking worker tokens) must present as
	 * the X-Jetway-Admin-Key header; without one, admin calls are refused.
	 */
	private @Nullable String adminKey;

	/**
	 * Whether the producer endpoints (push, info, cancel, queues, dead letters, cron) may
	 * be served without authentication when Spring Security is not on the class path;
	 * without it, startup fails. For conformance runs and tests only: anyone who reaches
	 * the endpoints could push jobs for in-process handlers and cancel jobs.
	 */
	private boolean allowUnauthenticatedProducers;

	/**
	 * Whether POST {base-path}/v1/admin/reset deletes every job, lease and job message
	 * (all queues, in-process ones too), for the public conformance suite's runner
	 * between tests. Never in production: anyone who reaches the endpoint empties the job
	 * state. Off: the endpoint answers 404.
	 */
	private boolean conformanceResetEnabled;

	/**
	 * Whether a PUSH's options.metadata.test_directive ("quiet" or "terminate") asks the
	 * worker that heartbeats the job to change state, as the public conformance suite's
	 * worker cases expect. Never in production: any producer could quiet workers.
	 * Otherwise only the admin call POST {base-path}/v1/admin/workers/{id}/state does.
	 */
	private boolean conformanceTestDirectivesEnabled;

	/**
	 * The most job events GET {base-path}/v1/events keeps: each instance fills its own
	 * buffer from the lifecycle events of every instance (core NATS), from its start on,
	 * and drops the oldest when full. Observational, not a durable log. 1 to 10,000; an
	 * event keeps at most about 1 KB of a job's error.
	 */
	private int eventsBufferSize = 1000;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getBasePath() {
		return this.basePath;
	}

	public void setBasePath(String basePath) {
		this.basePath = basePath;
	}

	public int getMaxQueues() {
		return this.maxQueues;
	}

	public void setMaxQueues(int maxQueues) {
		this.maxQueues = maxQueues;
	}

	public int getMaxCrons() {
		return this.maxCrons;
	}

	public void setMaxCrons(int maxCrons) {
		this.maxCrons = maxCrons;
	}

	public Duration getVisibilityTimeout() {
		return this.visibilityTimeout;
	}

	public void setVisibilityTimeout(Duration visibilityTimeout) {
		this.visibilityTimeout = visibilityTimeout;
	}

	public Duration getMaxVisibilityTimeout() {
		return this.maxVisibilityTimeout;
	}

	public void setMaxVisibilityTimeout(Duration maxVisibilityTimeout) {
		this.maxVisibilityTimeout = maxVisibilityTimeout;
	}

	public Duration getLeaseSweepInterval() {
		return this.leaseSweepInterval;
	}

	public void setLeaseSweepInterval(Duration leaseSweepInterval) {
		this.leaseSweepInterval = leaseSweepInterval;
	}

	public Duration getWorkerStateRetention() {
		return this.workerStateRetention;
	}

	public void setWorkerStateRetention(Duration workerStateRetention) {
		this.workerStateRetention = workerStateRetention;
	}

	public boolean isRequireWorkerToken() {
		return this.requireWorkerToken;
	}

	public void setRequireWorkerToken(boolean requireWorkerToken) {
		this.requireWorkerToken = requireWorkerToken;
	}

	public @Nullable String getAdminKey() {
		return this.adminKey;
	}

	public void setAdminKey(@Nullable String adminKey) {
		this.adminKey = adminKey;
	}

	public boolean isAllowUnauthenticatedProducers() {
		return this.allowUnauthenticatedProducers;
	}

	public void setAllowUnauthenticatedProducers(boolean allowUnauthenticatedProducers) {
		this.allowUnauthenticatedProducers = allowUnauthenticatedProducers;
	}

	public boolean isConformanceResetEnabled() {
		return this.conformanceResetEnabled;
	}

	public void setConformanceResetEnabled(boolean conformanceResetEnabled) {
		this.conformanceResetEnabled = conformanceResetEnabled;
	}

	public boolean isConformanceTestDirectivesEnabled() {
		return this.conformanceTestDirectivesEnabled;
	}

	public void setConformanceTestDirectivesEnabled(boolean conformanceTestDirectivesEnabled) {
		this.conformanceTestDirectivesEnabled = conformanceTestDirectivesEnabled;
	}

	public int getEventsBufferSize() {
		return this.eventsBufferSize;
	}

	public void setEventsBufferSize(int eventsBufferSize) {
		this.eventsBufferSize = eventsBufferSize;
	}

}
