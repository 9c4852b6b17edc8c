package io.jetway.jobs.ojs;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
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
 * {@link #MAX_ERRORS}), both JSON, its expiry ({@code jetway_jobs.expires_at}) and the
 * envelope fields Jetway does not model ({@code jetway_jobs.ojs_envelope}, JSON): read
 * together, in one query for all the jobs a call answers.
 */
class OjsJobRecords {

	/** The most error entries kept per job (the retry specification asks for 10). */
	static final int MAX_ERRORS = 20;

	/** The longest error message kept in an entry, in characters. */
	static final int MAX_MESSAGE_LENGTH = 2000;

	/** An entry's details are dropped when their JSON is longer. */
	static final int MAX_DETAILS_LENGTH = 4000;

	/** The longest {@code code} or {@code type} kept in an entry, in characters. */
	static final int MAX_CODE_LENGTH = 255;

	/**
	 * The most UTF-8 bytes of a stored history: the oldest entries are dropped beyond, so
	 * that it fits even a MySQL {@code TEXT} column (65,535 bytes).
	 */
	static final int MAX_ERRORS_BYTES = 60_000;

	/** The most job ids one {@code IN} list names. */
	private static final int MAX_IDS_PER_QUERY = 500;

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final JsonMapper jsonMapper;

	private final boolean testDirectives;

	/**
	 * @param testDirectives whether stored test directives apply
	 * ({@code jetway.jobs.ojs.conformance-test-directives-enabled}): a directive stored
	 * while they were on is ignored once they are off
	 */
	OjsJobRecords(JdbcTemplate jdbc, DatabaseType databaseType, JsonMapper jsonMapper, boolean testDirectives) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
		this.jsonMapper = jsonMapper;
		this.testDirectives = testDirectives;
	}

	/**
	 * Stores the records of new jobs (policy, envelope fields and expiry) in one batch,
	 * in the caller's transaction (the PUSH's); a record without any is not written.
	 */
	void storeNew(Map<UUID, Record> records) {
		List<Map.Entry<UUID, Record>> entries = records.entrySet()
			.stream()
			.filter((entry) -> !entry.getValue().hasNothingToStore())
			.toList();
		if (entries.isEmpty()) {
			return;
		}
		this.jdbc.batchUpdate("UPDATE jetway_jobs SET ojs_policy = ?, ojs_envelope = ?, expires_at = ? WHERE id = ?",
				entries, entries.size(), (statement, entry) -> {
					Record record = entry.getValue();
					statement.setString(1, record.policy().isEmpty() ? null
							: this.jsonMapper.writeValueAsString(record.policy().toMap()));
					statement.setString(2, record.envelopeFields());
					this.databaseType.setInstant(statement, 3, record.expiresAt());
					this.databaseType.setUuid(statement, 4, entry.getKey());
				});
	}

	/**
	 * @return the job's record; {@link Record#NONE} for a job without (or gone)
	 */
	Record find(UUID jobId) {
		return findAll(List.of(jobId)).getOrDefault(jobId, Record.NONE);
	}

	/**
	 * @return the record of each job that has a row, in one query (per
	 * {@value #MAX_IDS_PER_QUERY} jobs)
	 */
	Map<UUID, Record> findAll(Collection<UUID> jobIds) {
		return query("ojs_policy, ojs_errors, expires_at, ojs_envelope", jobIds,
				(rows) -> new Record(policy(rows.getString(2)), errors(rows.getString(3)),
						this.databaseType.getInstant(rows, "expires_at"), rows.getString(5)));
	}

	/**
	 * @return the policy of each job that has a row, without its error history
	 */
	Map<UUID, OjsJobPolicy> findPolicies(Collection<UUID> jobIds) {
		return query("ojs_policy", jobIds, (rows) -> policy(rows.getString(2)));
	}

	private <T> Map<UUID, T> query(String columns, Collection<UUID> jobIds, RowReader<T> reader) {
		List<UUID> ids = List.copyOf(new LinkedHashSet<>(jobIds));
		Map<UUID, T> found = new HashMap<>();
		for (int from = 0; from < ids.size(); from += MAX_IDS_PER_QUERY) {
			List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_QUERY));
			this.jdbc.query("SELECT id, " + columns + " FROM jetway_jobs WHERE id IN ("
					+ String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")", (statement) -> {
						for (int i = 0; i < chunk.size(); i++) {
							this.databaseType.setUuid(statement, i + 1, chunk.get(i));
						}
					}, (rows) -> {
						found.put(this.databaseType.getUuid(rows, "id"), reader.read(rows));
					});
		}
		return found;
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
		List<Object> kept = entries.subList(Math.max(0, entries.size() - MAX_ERRORS), entries.size());
		String json = this.jsonMapper.writeValueAsString(kept);
		// the oldest entries go first; the newest alone always fits
		while (kept.size() > 1 && json.getBytes(StandardCharsets.UTF_8).length > MAX_ERRORS_BYTES) {
			kept = kept.subList(1, kept.size());
			json = this.jsonMapper.writeValueAsString(kept);
		}
		return json;
	}

	private static void putString(Map<String, Object> entry, String field, JsonNode value) {
		if (value.isString()) {
			String text = value.asString();
			entry.put(field, (text.length() > MAX_CODE_LENGTH) ? text.substring(0, MAX_CODE_LENGTH) : text);
		}
	}

	private OjsJobPolicy policy(@Nullable String json) {
		JsonNode node = parse(json);
		if (node == null || !node.isObject()) {
			return OjsJobPolicy.NONE;
		}
		try {
			return OjsJobPolicy.parse(node, "", Duration.ofMillis(Long.MAX_VALUE), this.testDirectives);
		}
		catch (OjsException ex) {
			// stored before a limit was added (such as an interval over 365 days): the
			// queue's settings apply rather than every call on the job failing
			return OjsJobPolicy.NONE;
		}
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
	 * @param expiresAt when it expires (OJS {@code expires_at}), if it does
	 * @param envelopeFields the envelope fields Jetway does not model ({@code priority}
	 * and fields the binding does not know) as a JSON object, or {@code null}
	 */
	record Record(OjsJobPolicy policy, List<JsonNode> errors, @Nullable Instant expiresAt,
			@Nullable String envelopeFields) {

		/**
		 * The record of a job without policy, errors, expiry or envelope fields (or
		 * gone).
		 */
		static final Record NONE = new Record(OjsJobPolicy.NONE, List.of(), null, null);

		/**
		 * @return whether the job's expiry passed
		 */
		boolean expired(Instant now) {
			return this.expiresAt != null && !this.expiresAt.isAfter(now);
		}

		/**
		 * @return whether a new job's record holds nothing to store
		 */
		private boolean hasNothingToStore() {
			return this.policy.isEmpty() && this.expiresAt == null && this.envelopeFields == null;
		}

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

	@FunctionalInterface
	private interface RowReader<T> {

		T read(ResultSet rows) throws SQLException;

	}

}
