package io.jetway.sample.api;

import java.util.Map;
import java.util.Set;

/**
 * The project and environment an API key belongs to. Every NATS subject and stream name
 * the API touches is derived here, so one project never reaches another's.
 *
 * @param projectId the project
 * @param environmentId the environment within the project (dev, staging, prod, ...)
 * @param tier the project's plan
 * @param jobTypes the job types the key may enqueue
 * @param keyName the key's name under {@code sample.api.keys}, by which errors name its
 * properties
 */
public record Tenant(String projectId, String environmentId, Tier tier, Set<String> jobTypes, String keyName) {

	public Tenant {
		jobTypes = Set.copyOf(jobTypes);
	}

	/**
	 * @param type a job type
	 * @return whether the key may enqueue it
	 */
	public boolean mayEnqueue(String type) {
		return this.jobTypes.contains(type);
	}

	/**
	 * @return the property that lists the job types the key may enqueue
	 */
	public String jobTypesProperty() {
		return "sample.api.keys." + this.keyName + ".job-types";
	}

	/**
	 * @param subject a client's pub/sub subject, such as {@code user.signup}
	 * @return {@code atlasdb.{project_id}.{environment_id}.{subject}}
	 */
	public String pubSubSubject(String subject) {
		return "atlasdb." + this.projectId + "." + this.environmentId + "." + subject;
	}

	/**
	 * @param streamName a client's stream name, such as {@code payments}
	 * @return {@code atlasdb.streams.{project_id}.{environment_id}.{stream_name}}, the
	 * prefix of every subject the stream captures
	 */
	public String streamSubjectPrefix(String streamName) {
		return "atlasdb.streams." + this.projectId + "." + this.environmentId + "." + streamName;
	}

	/**
	 * @param streamName a client's stream name, such as {@code payments}
	 * @return the JetStream stream name, such as {@code ATLAS_acme_dev_payments}; project
	 * and environment ids contain no '_', so names of different tenants never collide
	 */
	public String jetStreamName(String streamName) {
		return jetStreamNamePrefix() + streamName;
	}

	/**
	 * @return the start of every JetStream stream name of this tenant,
	 * {@code ATLAS_{project_id}_{environment_id}_}
	 */
	public String jetStreamNamePrefix() {
		return "ATLAS_" + this.projectId + "_" + this.environmentId + "_";
	}

	/**
	 * @param queue a job queue, such as {@code email}
	 * @return {@code atlasdb.jobs.{project_id}.{environment_id}.{queue}}, where Jetway
	 * publishes the tenant's job messages ({@code jetway.jobs.defaults.subject} with
	 * {@link #jobMeta()})
	 */
	public String jobSubject(String queue) {
		return "atlasdb.jobs." + this.projectId + "." + this.environmentId + "." + queue;
	}

	/**
	 * @return the metadata of the tenant's jobs: stored with each job, sent in its events
	 * and message header, and the tokens of its subject
	 */
	public Map<String, String> jobMeta() {
		return Map.of("project_id", this.projectId, "environment_id", this.environmentId);
	}

}
