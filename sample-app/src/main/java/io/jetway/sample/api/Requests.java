package io.jetway.sample.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.jetway.topology.Subjects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads and checks request fields, refusing with 400 and the field's name.
 */
final class Requests {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private Requests() {
	}

	static JsonNode object(@Nullable JsonNode body) {
		if (body == null || !body.isObject()) {
			throw ApiException.badRequest("body", "The request body must be a JSON object");
		}
		return body;
	}

	static String requiredString(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			throw ApiException.badRequest(field, "'" + field + "' is required");
		}
		if (!value.isString() || value.stringValue().isBlank()) {
			throw ApiException.badRequest(field, "'" + field + "' must be a non-empty string");
		}
		return value.stringValue();
	}

	static @Nullable String optionalString(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString() || value.stringValue().isBlank()) {
			throw ApiException.badRequest(field, "'" + field + "' must be a non-empty string");
		}
		return value.stringValue();
	}

	static JsonNode requiredPayload(JsonNode body) {
		JsonNode payload = body.get("payload");
		if (payload == null || payload.isNull()) {
			throw ApiException.badRequest("payload", "'payload' is required");
		}
		return payload;
	}

	/**
	 * @return the value, or {@code null} when absent
	 */
	static @Nullable Long optionalNonNegativeLong(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToLong()) {
			throw ApiException.badRequest(field, "'" + field + "' must be an integer");
		}
		if (value.longValue() < 0) {
			throw ApiException.badRequest(field, "'" + field + "' must not be negative, was " + value.longValue());
		}
		return value.longValue();
	}

	static List<String> requiredStrings(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			throw ApiException.badRequest(field, "'" + field + "' is required");
		}
		if (!value.isArray() || value.size() == 0) {
			throw ApiException.badRequest(field, "'" + field + "' must be a non-empty array of strings");
		}
		List<String> strings = new ArrayList<>();
		for (int i = 0; i < value.size(); i++) {
			JsonNode element = value.get(i);
			if (!element.isString()) {
				throw ApiException.badRequest(field + "[" + i + "]", "'" + field + "[" + i + "]' must be a string");
			}
			strings.add(element.stringValue());
		}
		return strings;
	}

	/**
	 * A concrete subject to publish to: valid, without wildcards.
	 */
	static String publishSubject(String field, String subject) {
		checkSubject(field, subject);
		for (String token : subject.split("\\.")) {
			if (token.equals("*") || token.equals(">")) {
				throw ApiException.badRequest(field, "'" + field + "' must not contain wildcards ('*' or '>'): '"
						+ subject + "'; publish to a concrete subject such as 'user.signup'");
			}
		}
		return subject;
	}

	/**
	 * A subject pattern: valid, wildcards allowed.
	 */
	static String subjectPattern(String field, String subject) {
		checkSubject(field, subject);
		return subject;
	}

	/**
	 * A stream or consumer name.
	 */
	static String name(String field, String kind, String name) {
		if (!NAME.matcher(name).matches()) {
			throw ApiException.badRequest(field,
					"'" + name + "' is not a valid " + kind + " name: use 1 to 64 letters, digits, '_' and '-'");
		}
		return name;
	}

	private static void checkSubject(String field, String subject) {
		if (!Subjects.isValid(subject)) {
			throw ApiException.badRequest(field, "'" + subject + "' is not a valid subject: use dot-separated tokens "
					+ "without spaces, such as 'payment.completed'");
		}
	}

}
