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

	/** The longest subject a client may give (the server's subject adds the tenant). */
	static final int MAX_SUBJECT_LENGTH = 256;

	/** How much of a refused value an error repeats. */
	private static final int SHOWN_LENGTH = 80;

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

	/**
	 * @param max the largest value accepted, named in the error with {@code meaning}
	 * @return the value, or {@code null} when absent
	 */
	static @Nullable Long optionalNonNegativeLong(JsonNode body, String field, long max, String meaning) {
		Long value = optionalNonNegativeLong(body, field);
		if (value != null && value > max) {
			throw ApiException.badRequest(field,
					"'" + field + "' must be at most " + max + " (" + meaning + "), was " + value);
		}
		return value;
	}

	/**
	 * @return a value to repeat in an error: as it is, or its start and its length when
	 * it is long
	 */
	static String shown(String value) {
		return (value.length() <= SHOWN_LENGTH) ? value
				: value.substring(0, SHOWN_LENGTH) + "... (" + value.length() + " characters)";
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
					"'" + shown(name) + "' is not a valid " + kind + " name: use 1 to 64 letters, digits, '_' and '-'");
		}
		return name;
	}

	private static void checkSubject(String field, String subject) {
		if (subject.length() > MAX_SUBJECT_LENGTH) {
			throw ApiException.badRequest(field,
					"'" + field + "' is " + subject.length() + " characters long; the limit is " + MAX_SUBJECT_LENGTH);
		}
		if (!Subjects.isValid(subject)) {
			throw ApiException.badRequest(field, "'" + subject + "' is not a valid subject: use dot-separated tokens "
					+ "without spaces, such as 'payment.completed'");
		}
	}

}
