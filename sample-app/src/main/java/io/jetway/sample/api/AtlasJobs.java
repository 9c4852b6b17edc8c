package io.jetway.sample.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobOptions;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import io.jetway.jobs.UnknownJobTypeException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Jobs of the API's tenants, run by Jetway's {@link JobClient}. One transaction stores
 * Jetway's job row and its dispatch and the {@link AtlasJob} row that says whose job it
 * is, so both exist or neither. The job carries its tenant as metadata
 * ({@link Tenant#jobMeta()}): its message goes to
 * {@code atlasdb.jobs.{project_id}.{environment_id}.{queue}} (the subject template in
 * application.yml) and its events on {@code jetway.jobs.events.>} name the project. A
 * type external workers run goes to its external queue ({@link ExternalJobTypes}).
 */
@Service
public class AtlasJobs {

	private final JobClient jobs;

	private final AtlasJobRepository owners;

	private final JsonMapper jsonMapper;

	private final EnqueueRateLimiter rateLimiter;

	private final ExternalJobTypes externalJobTypes;

	private final Clock clock = Clock.systemUTC();

	public AtlasJobs(JobClient jobs, AtlasJobRepository owners, JsonMapper jsonMapper, EnqueueRateLimiter rateLimiter,
			ExternalJobTypes externalJobTypes) {
		this.jobs = jobs;
		this.externalJobTypes = externalJobTypes;
		this.rateLimiter = rateLimiter;
		this.owners = owners;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Enqueues the job and counts it against the project's allowance
	 * ({@link EnqueueRateLimiter}).
	 * @param webhookUrl passed to Jetway as it is; Jetway's webhook URL validator (SSRF
	 * rules) decides whether it is accepted
	 */
	@Transactional
	public UUID enqueue(Tenant tenant, String type, JsonNode payload, @Nullable String webhookUrl,
			@Nullable Long delaySeconds) {
		JobOptions.Builder options = JobOptions.builder().meta(tenant.jobMeta());
		String externalQueue = this.externalJobTypes.queue(type);
		if (externalQueue != null) {
			options.queue(externalQueue);
		}
		if (webhookUrl != null) {
			options.webhookUrl(webhookUrl);
		}
		if (delaySeconds != null && delaySeconds > 0) {
			options.delay(Duration.ofSeconds(delaySeconds));
		}
		UUID id;
		try {
			id = this.jobs.enqueue(type, payload, options.build());
		}
		catch (UnknownJobTypeException ex) {
			throw ApiException.badRequest("type", ex.getMessage());
		}
		// counted once Jetway accepted the job, so a refused enqueue uses none of the
		// allowance; over the limit, the exception rolls the job back
		this.rateLimiter.acquire(tenant);
		String queue = this.jobs.status(id).map(JobStatus::queue).orElseThrow();
		this.owners.save(new AtlasJob(id, tenant, type, queue, this.clock.instant()));
		return id;
	}

	/**
	 * @return the job as the API shows it, or {@code null} when it does not exist or
	 * belongs to another project or environment
	 */
	@Transactional(readOnly = true)
	public @Nullable Map<String, Object> status(Tenant tenant, UUID id) {
		if (this.owners.findByJobIdAndProjectIdAndEnvironmentId(id, tenant.projectId(), tenant.environmentId())
			.isEmpty()) {
			return null;
		}
		return this.jobs.status(id).map(this::describe).orElse(null);
	}

	private Map<String, Object> describe(JobStatus job) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("id", job.id());
		described.put("status", status(job.status()));
		described.put("result", (job.result() != null) ? this.jsonMapper.readTree(job.result()) : null);
		described.put("error", job.error());
		described.put("created_at", millis(job.createdAt()));
		described.put("completed_at", millis(job.completedAt()));
		return described;
	}

	/**
	 * The API's states are pending, running, completed and failed; a delayed job
	 * (Jetway's 'scheduled') is pending.
	 */
	static String status(JobState state) {
		return switch (state) {
			case SCHEDULED, PENDING -> "pending";
			case RUNNING -> "running";
			case COMPLETED -> "completed";
			case FAILED -> "failed";
			case CANCELLED -> "cancelled";
		};
	}

	private static @Nullable Instant millis(@Nullable Instant instant) {
		return (instant != null) ? instant.truncatedTo(ChronoUnit.MILLIS) : null;
	}

}
