package io.jetway.sample.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.jetway.sample.api.ApiKeysProperties.ApiKey;

import org.springframework.util.StringUtils;

/**
 * Resolves a bearer key to its {@link Tenant}. Checked at startup: ids must be safe as
 * NATS subject tokens and as parts of stream names, and must not be {@code streams} or
 * {@code jobs}, whose pub/sub subjects ({@code atlasdb.streams...},
 * {@code atlasdb.jobs...}) would reach into other projects' streams and jobs.
 */
public class ApiKeys {

	private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	private static final Set<String> RESERVED = Set.of("streams", "jobs");

	private final List<Entry> entries;

	public ApiKeys(ApiKeysProperties properties) {
		List<Entry> entries = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (Map.Entry<String, ApiKey> configured : properties.getKeys().entrySet()) {
			String name = "sample.api.keys." + configured.getKey();
			ApiKey key = configured.getValue();
			if (!StringUtils.hasText(key.getKey()) || key.getKey().length() < 8) {
				throw new IllegalStateException(name + ".key must have at least 8 characters");
			}
			if (!seen.add(key.getKey())) {
				throw new IllegalStateException(name + ".key is used by another key as well");
			}
			checkId(name + ".project-id", key.getProjectId(), true);
			checkId(name + ".environment-id", key.getEnvironmentId(), false);
			entries.add(new Entry(key.getKey().getBytes(StandardCharsets.UTF_8), new Tenant(key.getProjectId(),
					key.getEnvironmentId(), key.getTier(), Set.copyOf(key.getJobTypes()), configured.getKey())));
		}
		this.entries = List.copyOf(entries);
	}

	/**
	 * @param key the bearer key
	 * @return its tenant; compares in constant time
	 */
	public Optional<Tenant> find(String key) {
		byte[] presented = key.getBytes(StandardCharsets.UTF_8);
		Tenant found = null;
		for (Entry entry : this.entries) {
			if (MessageDigest.isEqual(entry.key(), presented)) {
				found = entry.tenant();
			}
		}
		return Optional.ofNullable(found);
	}

	/**
	 * @return the project ids of the configured keys
	 */
	public Set<String> projects() {
		Set<String> projects = new HashSet<>();
		this.entries.forEach((entry) -> projects.add(entry.tenant().projectId()));
		return projects;
	}

	private static void checkId(String property, String id, boolean project) {
		if (id == null || !ID.matcher(id).matches()) {
			throw new IllegalStateException(property + " is '" + id
					+ "': use 1 to 63 lower-case letters, digits and '-', starting with a letter or digit");
		}
		if (project && RESERVED.contains(id)) {
			throw new IllegalStateException(property + " must not be '" + id + "': atlasdb." + id
					+ ".> is where streams and jobs live, and a project of that name could publish into them");
		}
	}

	private record Entry(byte[] key, Tenant tenant) {

	}

}
