package io.jetway.sample.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The API keys of the events and jobs API, {@code sample.api.keys.<name>.*}.
 */
@ConfigurationProperties("sample.api")
public class ApiKeysProperties {

	/**
	 * API keys by a name of your choice.
	 */
	private Map<String, ApiKey> keys = new LinkedHashMap<>();

	public Map<String, ApiKey> getKeys() {
		return this.keys;
	}

	public void setKeys(Map<String, ApiKey> keys) {
		this.keys = keys;
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

	}

}
