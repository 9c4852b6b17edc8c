package io.jetway.sample.api;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * Which tenant enqueued a job: Jetway's job table knows the job, this row knows whose it
 * is, so a job id of another project (or environment) answers 404.
 */
@Entity
@Table(name = "atlas_jobs")
public class AtlasJob {

	@Id
	@Column(name = "job_id")
	private UUID jobId;

	@Column(name = "project_id", nullable = false, length = 63)
	private String projectId;

	@Column(name = "environment_id", nullable = false, length = 63)
	private String environmentId;

	@Column(nullable = false)
	private String type;

	@Column(nullable = false, length = 512)
	private String subject;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	protected AtlasJob() {
	}

	/**
	 * @param queue the job's queue, the last token of its subject
	 */
	public AtlasJob(UUID jobId, Tenant tenant, String type, String queue, Instant createdAt) {
		this.jobId = jobId;
		this.projectId = tenant.projectId();
		this.environmentId = tenant.environmentId();
		this.type = type;
		this.subject = tenant.jobSubject(queue);
		this.createdAt = createdAt;
	}

	public UUID getJobId() {
		return this.jobId;
	}

	public String getProjectId() {
		return this.projectId;
	}

	public String getEnvironmentId() {
		return this.environmentId;
	}

	public String getType() {
		return this.type;
	}

	public String getSubject() {
		return this.subject;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

}
