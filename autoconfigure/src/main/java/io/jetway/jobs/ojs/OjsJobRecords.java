package io.jetway.jobs.ojs;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.jetway.jdbc.DatabaseType;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What OJS keeps with a job beyond Jetway's columns: its policy
 * ({@code jetway_jobs.ojs_policy}) and the errors of its failed attempts
 * ({@code jetway_jobs.ojs_errors}, the envelope's {@code errors}, the newest
 * {@link #MAX_ERRORS}), both JSON.
 */
class OjsJobRecords {

	/** The most error entries kept per job (the retry specification asks for 10). */
	static final int MAX_ERRORS = 20;

	/** The longest error message kept in an entry, in characters. */
	static final int MAX_MESSAGE_LENGTH = 2000;

	/** An entry's details are dropped when their JSON is longer. */
	static final int MAX_DETAILS_LENGTH = 4000;

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final JsonMapper jsonMapper;

	OjsJobRecords(JdbcTemplate jdbc, DatabaseType databaseType, JsonMapper jsonMapper) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
		this.jsonMapper = jsonMapper;
	}

	/** Stores a job's policy, in the caller's transaction (the PUSH's). */
	void storePolicy(UUID jobId, OjsJobPolicy policy) {
		this.jdbc.update("UPDATE jetway_jobs SET ojs_policy = ? WHERE id = ?", (statement) -> {
			statement.setString(1, this.jsonMapper.writeValueAsString(policy.toMap()));
			this.databaseType.setUuid(statement, 2, jobId);
		});
	}

	/**
	 * @return the job's policy and error history; empty ones for a job without (or gone)
	 */
	Record find(UUID jobId) {
		List<Record> records = this.jdbc.query("SELECT ojs_policy, ojs_errors FROM jetway_jobs WHERE id = ?",
				(statement) -> this.databaseType.setUuid(statement, 1, jobId),
				(rows, row) -> new Record(policy(rows.getString(1)), errors(rows.getString(2))));
		return records.isEmpty() ? new Record(OjsJobPolicy.NONE, List.of()) : records.get(0);
	}

	/**
	 * @param history the errors so far
	 * @param error the failed attempt's error, as the worker sent it (or the sweep made
	 * it)
	 * @return the history with the attempt's error appended, as JSON, of at most
	 * {@link #MAX_ERRORS} entries
	 */
	String append(List<JsonNode> history, JsonNode error, int attempt, Instant occurredAt) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("attempt", attempt);
		putString(entry, "code", error.path("code"));
		putString(entry, "type", error.path("type"));
		String message = error.path("message").asString("");
		entry.put("message",
				(message.length() > MAX_MESSAGE_LENGTH) ? message.substring(0, MAX_MESSAGE_LENGTH) + "..." : message);
		if (error.path("retryable").isBoolean()) {
			entry.put("retryable", error.path("retryable").booleanValue());
		}
		JsonNode details = error.path("details");
		if (details.isObject() && details.toString().length() <= MAX_DETAILS_LENGTH) {
			entry.put("details", details);
		}
		entry.put("occurred_at", occurredAt.toString());
		List<Object> entries = new ArrayList<>(history);
		entries.add(entry);
		return this.jsonMapper
			.writeValueAsString(entries.subList(Math.max(0, entries.size() - MAX_ERRORS), entries.size()));
	}

	private static void putString(Map<String, Object> entry, String field, JsonNode value) {
		if (value.isString()) {
			entry.put(field, value.asString());
		}
	}

	private OjsJobPolicy policy(@Nullable String json) {
		JsonNode node = parse(json);
		return (node != null && node.isObject()) ? OjsJobPolicy.parse(node, "", Duration.ofMillis(Long.MAX_VALUE), true)
				: OjsJobPolicy.NONE;
	}

	private List<JsonNode> errors(@Nullable String json) {
		JsonNode node = parse(json);
		List<JsonNode> errors = new ArrayList<>();
		if (node != null && node.isArray()) {
			node.forEach(errors::add);
		}
		return errors;
	}

	private @Nullable JsonNode parse(@Nullable String json) {
		if (json == null) {
			return null;
		}
		try {
			return this.jsonMapper.readTree(json);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * A job's OJS record.
	 *
	 * @param policy its policy ({@link OjsJobPolicy#NONE} without)
	 * @param errors the errors of its failed attempts, oldest first
	 */
	record Record(OjsJobPolicy policy, List<JsonNode> errors) {

		/**
		 * @return the delay the last failed attempt's retry was given: from its error to
		 * the run time that error scheduled, while that retry is the job's next or
		 * running attempt
		 */
		@Nullable Long retryDelayMillis(int attempts, Instant runAt, boolean running) {
			if (this.errors.isEmpty()) {
				return null;
			}
			JsonNode last = this.errors.get(this.errors.size() - 1);
			if (last.path("attempt").intValue() != (running ? attempts - 1 : attempts)) {
				return null;
			}
			try {
				long millis = Duration.between(Instant.parse(last.path("occurred_at").asString("")), runAt).toMillis();
				return (millis >= 0) ? millis : null;
			}
			catch (DateTimeParseException ex) {
				return null;
			}
		}

	}

}
