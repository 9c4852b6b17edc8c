package io.jetway.topology;

import org.jspecify.annotations.Nullable;

/**
 * The characters nats-server allows in a stream name: no whitespace, dots, wildcards or
 * path separators.
 */
final class StreamNames {

	private static final String FORBIDDEN = ".*>/\\";

	private StreamNames() {
	}

	static String validate(@Nullable String name, String property) {
		String problem = problem(name, false);
		if (problem != null) {
			throw new TopologyException("Invalid stream name '" + name + "': " + problem, property,
					"Use letters, digits, '_' and '-' only, such as ORDERS or BILLING_EVENTS.");
		}
		return name;
	}

	static @Nullable String problem(@Nullable String name, boolean emptyAllowed) {
		if (name == null || name.isEmpty()) {
			return emptyAllowed ? null : "it is empty";
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (Character.isWhitespace(c) || Character.isISOControl(c) || FORBIDDEN.indexOf(c) >= 0) {
				return "character '" + c + "' at index " + i + " is not allowed in a stream name";
			}
		}
		return null;
	}

}
