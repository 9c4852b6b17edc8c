package io.jetway.sample.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The API's keys ({@code sample.api.keys.<name>.*}), external job queues, request size
 * limit and per-tenant quotas ({@code sample.api.quotas.*}).
 */
@ConfigurationProperties("sample.api")
public class ApiKeysProperties {

	/**
	 * API keys by a name of your choice.
	 */
	private Map<String, ApiKey> keys = new LinkedHashMap<>();

	/**
	 * External job queues by name (each with jetway.jobs.queues.<queue>.external=true),
	 * each with the job types the jobs API enqueues onto it: types no handler of this
	 * application runs, done by external workers over OJS (docs/external-workers.md).
	 */
	private Map<String, List<String>> externalQueues = new LinkedHashMap<>();

	/**
	 * The largest request body the API (events, jobs, orders) accepts; larger ones are
	 * answered with 413. Keep it below the NATS server's max_payload (1 MB by default),
	 * which must also hold the message's headers.
	 */
	private DataSize maxRequestSize = DataSize.ofKilobytes(512);

	/**
	 * What each tenant (project and environment) may hold in JetStream.
	 */
	private final Quotas quotas = new Quotas();

	public Map<String, ApiKey> getKeys() {
		return this.keys;
	}

	public void setKeys(Map<String, ApiKey> keys) {
		this.keys = keys;
	}

	public Map<String, List<String>> getExternalQueues() {
		return this.externalQueues;
	}

	public void setExternalQueues(Map<String, List<String>> externalQueues) {
		this.externalQueues = externalQueues;
	}

	public DataSize getMaxRequestSize() {
		return this.maxRequestSize;
	}

	public void setMaxRequestSize(DataSize maxRequestSize) {
		this.maxRequestSize = maxRequestSize;
	}

	public Quotas getQuotas() {
		return this.quotas;
	}

	/**
	 * Limits per tenant, so that one tenant cannot fill the JetStream storage the outbox,
	 * the jobs and the other tenants share.
	 */
	public static class Quotas {

		/**
		 * How many streams a tenant may have.
		 */
		private int maxStreams = 10;

		/**
		 * How many consumers a tenant may have, over all its streams.
		 */
		private int maxConsumers = 50;

		/**
		 * The max_bytes of a stream created without one.
		 */
		private DataSize defaultStreamMaxBytes = DataSize.ofMegabytes(64);

		/**
		 * The largest max_bytes a tenant may give a stream.
		 */
		private DataSize maxStreamMaxBytes = DataSize.ofGigabytes(1);

		public int getMaxStreams() {
			return this.maxStreams;
		}

		public void setMaxStreams(int maxStreams) {
			this.maxStreams = maxStreams;
		}

		public int getMaxConsumers() {
			return this.maxConsumers;
		}

		public void setMaxConsumers(int maxConsumers) {
			this.maxConsumers = maxConsumers;
		}

		public DataSize getDefaultStreamMaxBytes() {
			return this.defaultStreamMaxBytes;
		}

		public void setDefaultStreamMaxBytes(DataSize defaultStreamMaxBytes) {
			this.defaultStreamMaxBytes = defaultStreamMaxBytes;
		}

		public DataSize getMaxStreamMaxBytes() {
			return this.maxStreamMaxBytes;
		}

		public void setMaxStreamMaxBytes(DataSize maxStreamMaxBytes) {
			this.maxStreamMaxBytes = maxStreamMaxBytes;
		}

	}

	/**
	 * One API key and what it is bound to.
	 */
	public static class ApiKey {

		/**
		 * The secret sent as 'Authorization: Bearer <key>'.
		 */
		private String key;

		/**
		 * Project id: lower-case letters, digits and '-'.
		 */
		private String projectId;

		/**
		 * Environment id: lower-case letters, digits and '-'.
		 */
		private String environmentId;

		/**
		 * The project's tier: free, pro or enterprise.
		 */
		private Tier tier = Tier.FREE;

		/**
		 * The job types this key may enqueue; any other is refused with 403. Empty: none.
		 */
		private List<String> jobTypes = new ArrayList<>();

		public String getKey() {
			return this.key;
		}

		public void setKey(String key) {
			this.key = key;
		}

		public String getProjectId() {
			return this.projectId;
		}

		public void setProjectId(String projectId) {
			this.projectId = projectId;
		}

		public String getEnvironmentId() {
			return this.environmentId;
		}

		public void setEnvironmentId(String environmentId) {
			this.environmentId = environmentId;
		}

		public Tier getTier() {
			return this.tier;
		}

		public void setTier(Tier tier) {
			this.tier = tier;
		}

		public List<String> getJobTypes() {
			return this.jobTypes;
		}

		public void setJobTypes(List<String> jobTypes) {
			this.jobTypes = jobTypes;
		}

	}

}
