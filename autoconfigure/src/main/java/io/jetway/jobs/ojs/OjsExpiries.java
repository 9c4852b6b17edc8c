package io.jetway.jobs.ojs;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.jetway.jdbc.DatabaseType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * OJS job expiry ({@code expires_at}), in {@code jetway_jobs.expires_at} (stored and read
 * with the job's other OJS data by {@link OjsJobRecords}): a job of an external queue
 * whose expiry passed before a worker fetched it is discarded instead of served. FETCH
 * never claims an expired job ({@link OjsLeases#claim}); this class discards it, by a
 * conditional update that only a job still waiting for a worker passes.
 */
class OjsExpiries {

	/** The error code of a job discarded because it expired. */
	static final String EXPIRED = "expired";

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final JsonMapper jsonMapper;

	private final OjsTransitions transitions;

	OjsExpiries(JdbcTemplate jdbc, DatabaseType databaseType, JsonMapper jsonMapper, OjsTransitions transitions) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
		this.jsonMapper = jsonMapper;
		this.transitions = transitions;
	}

	/**
	 * Discards the job if its expiry passed while it waited for a worker (pending,
	 * scheduled or waiting for a retry), and publishes its {@code discarded} event; a
	 * running or ended job is left as it is. A job without expiry, or not expired, costs
	 * no statement.
	 * @param record the job's record, read by the caller
	 * @return whether it was discarded
	 */
	boolean discardIfExpired(UUID jobId, OjsJobRecords.Record record, Instant now) {
		if (!record.expired(now)) {
			return false;
		}
		String error = this.jsonMapper.writeValueAsString(Map.of("code", EXPIRED, "type", EXPIRED, "message",
				"The job expired (expires_at) before a worker fetched it", "retryable", false));
		boolean discarded = this.jdbc.update(
				"UPDATE jetway_jobs SET status = 'failed', error = ?, completed_at = ?, "
						+ "updated_at = ? WHERE id = ? AND status IN ('pending', 'scheduled') AND expires_at <= ?",
				(statement) -> {
					statement.setString(1, error);
					this.databaseType.setInstant(statement, 2, now);
					this.databaseType.setInstant(statement, 3, now);
					this.databaseType.setUuid(statement, 4, jobId);
					this.databaseType.setInstant(statement, 5, now);
				}) == 1;
		if (discarded) {
			this.transitions.published(jobId, error);
		}
		return discarded;
	}

}
