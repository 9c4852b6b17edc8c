package io.jetway.jobs.ojs;

import java.util.UUID;

import io.jetway.jdbc.DatabaseType;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The fields of a job's OJS envelope that Jetway does not model ({@code priority}, and
 * fields the binding does not know, kept for forward compatibility), as a JSON object in
 * {@code jetway_jobs.ojs_envelope}; null for jobs that have none.
 */
class OjsEnvelopes {

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	OjsEnvelopes(JdbcTemplate jdbc, DatabaseType databaseType) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
	}

	/**
	 * Stores the fields of a job whose row exists (in the caller's transaction, when it
	 * has one).
	 * @param json a JSON object
	 */
	void store(UUID jobId, String json) {
		this.jdbc.update("UPDATE jetway_jobs SET ojs_envelope = ? WHERE id = ?", (statement) -> {
			statement.setString(1, json);
			this.databaseType.setUuid(statement, 2, jobId);
		});
	}

	/**
	 * @return the job's fields as a JSON object, or {@code null}
	 */
	@Nullable String find(UUID jobId) {
		return this.jdbc.query("SELECT ojs_envelope FROM jetway_jobs WHERE id = ?",
				(statement) -> this.databaseType.setUuid(statement, 1, jobId),
				(rows) -> rows.next() ? rows.getString(1) : null);
	}

}
