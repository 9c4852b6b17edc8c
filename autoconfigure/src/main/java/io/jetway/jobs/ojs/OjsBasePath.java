package io.jetway.jobs.ojs;

import java.util.regex.Pattern;

import io.jetway.support.JetwayConfigurationException;

/**
 * Checks {@code jetway.jobs.ojs.base-path} at startup. Spring MVC normalises the path it
 * maps ({@code /ojs/} + {@code /v1/jobs} becomes {@code /ojs/v1/jobs}), while a filter
 * that protects the endpoints compares request paths with the property as written: only
 * the normalised spelling keeps the two in agreement.
 */
final class OjsBasePath {

	static final String PROPERTY = "jetway.jobs.ojs.base-path";

	private static final Pattern NORMALISED = Pattern.compile("(/[A-Za-z0-9_~.-]+)+");

	private OjsBasePath() {
	}

	static void check(String basePath) {
		if (!NORMALISED.matcher(basePath).matches() || basePath.contains("/./") || basePath.endsWith("/.")
				|| basePath.contains("/../") || basePath.endsWith("/..")) {
			throw new JetwayConfigurationException("The OJS base path is '" + basePath + "'", PROPERTY,
					"Use a path that starts with '/', has no trailing '/', no '//', no '.' or '..' segment, "
							+ "and is not '/' alone, such as /ojs",
					null);
		}
	}

}
