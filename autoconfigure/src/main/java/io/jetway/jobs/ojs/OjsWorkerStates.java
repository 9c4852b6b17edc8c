package io.jetway.jobs.ojs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.jetway.jdbc.DatabaseType;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The state each external worker is asked to be in ({@code running}, {@code quiet}: fetch
 * no more, finish the active jobs; {@code terminate}: finish and exit), answered in its
 * heartbeats. Kept in {@code jetway_ojs_workers}, so that any instance answers a worker's
 * heartbeat with it; a worker id not stored is {@code running}.
 */
class OjsWorkerStates {

	static final List<String> STATES = List.of("running", "quiet", "terminate");

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	OjsWorkerStates(JdbcTemplate jdbc, DatabaseType databaseType) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
	}

	/**
	 * Records a worker's heartbeat.
	 * @return the state it is asked to be in
	 */
	String beat(String workerId, Instant now) {
		if (this.jdbc.update("UPDATE jetway_ojs_workers SET last_beat_at = ? WHERE worker_id = ?", (statement) -> {
			this.databaseType.setInstant(statement, 1, now);
			statement.setString(2, workerId);
		}) == 0) {
			insert(workerId, "running", now);
		}
		List<String> states = this.jdbc.queryForList("SELECT state FROM jetway_ojs_workers WHERE worker_id = ?",
				String.class, workerId);
		return states.isEmpty() ? "running" : states.get(0);
	}

	/**
	 * Asks a worker to change state at its next heartbeat; a worker that is asked to
	 * terminate stays so (the worker protocol allows no way back).
	 * @return the state it is asked to be in now
	 * @throws OjsException 400 for a state that is none of {@link #STATES}
	 */
	String ask(String workerId, String state, Instant now) {
		if (!STATES.contains(state)) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_request",
					"A worker's state must be one of " + STATES + ", was '" + state + "'", Map.of("field", "state"));
		}
		if (this.jdbc.update("UPDATE jetway_ojs_workers SET state = ? WHERE worker_id = ? AND state <> 'terminate'",
				state, workerId) == 0) {
			insert(workerId, state, now);
		}
		return this.jdbc.queryForObject("SELECT state FROM jetway_ojs_workers WHERE worker_id = ?", String.class,
				workerId);
	}

	/** Forgets every worker's state (the conformance reset). */
	void deleteAll() {
		this.jdbc.update("DELETE FROM jetway_ojs_workers");
	}

	private void insert(String workerId, String state, Instant now) {
		try {
			this.jdbc.update("INSERT INTO jetway_ojs_workers (worker_id, state, last_beat_at) VALUES (?, ?, ?)",
					(statement) -> {
						statement.setString(1, workerId);
						statement.setString(2, state);
						this.databaseType.setInstant(statement, 3, now);
					});
		}
		catch (DuplicateKeyException ex) {
			// stored meanwhile (or a terminating worker): its stored state stands
		}
	}

}
