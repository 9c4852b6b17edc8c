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
	 * Records a worker's heartbeat: only a worker that was asked a state has a row (a
	 * missing one is {@code running}), whose {@code last_beat_at} it moves.
	 * @return the state it is asked to be in
	 */
	String beat(String workerId, Instant now) {
		List<String> states = this.jdbc.queryForList("SELECT state FROM jetway_ojs_workers WHERE worker_id = ?",
				String.class, workerId);
		if (states.isEmpty()) {
			return "running";
		}
		this.jdbc.update("UPDATE jetway_ojs_workers SET last_beat_at = ? WHERE worker_id = ?", (statement) -> {
			this.databaseType.setInstant(statement, 1, now);
			statement.setString(2, workerId);
		});
		return states.get(0);
	}

	/**
	 * Asks a worker to change state at its next heartbeat; a worker that is asked to
	 * terminate stays so (the worker protocol allows no way back) until its state is
	 * forgotten.
	 * @return the state it is asked to be in now
	 * @throws OjsException 400 for a state that is none of {@link #STATES}
	 */
	String ask(String workerId, String state, Instant now) {
		if (!STATES.contains(state)) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_request",
					"A worker's state must be one of " + STATES + ", was '" + state + "'", Map.of("field", "state"));
		}
		if (update(workerId, state, now) == 0 && !insert(workerId, state, now)) {
			// another call stored the worker meanwhile: this request applies over it
			update(workerId, state, now);
		}
		return this.jdbc.queryForObject("SELECT state FROM jetway_ojs_workers WHERE worker_id = ?", String.class,
				workerId);
	}

	/**
	 * @return whether the worker had a stored state
	 */
	boolean forget(String workerId) {
		return this.jdbc.update("DELETE FROM jetway_ojs_workers WHERE worker_id = ?", workerId) > 0;
	}

	/**
	 * Forgets the states of workers that neither beat nor were asked anything since
	 * {@code silentSince}: their rows would otherwise stay for ever.
	 * @return how many were forgotten
	 */
	int forgetSilentSince(Instant silentSince) {
		return this.jdbc.update("DELETE FROM jetway_ojs_workers WHERE last_beat_at < ?",
				(statement) -> this.databaseType.setInstant(statement, 1, silentSince));
	}

	/** Forgets every worker's state (the conformance reset). */
	void deleteAll() {
		this.jdbc.update("DELETE FROM jetway_ojs_workers");
	}

	private int update(String workerId, String state, Instant now) {
		return this.jdbc.update(
				"UPDATE jetway_ojs_workers SET state = ?, last_beat_at = ? WHERE worker_id = ? AND state <> 'terminate'",
				(statement) -> {
					statement.setString(1, state);
					this.databaseType.setInstant(statement, 2, now);
					statement.setString(3, workerId);
				});
	}

	/**
	 * @return {@code false} when the worker was stored meanwhile
	 */
	private boolean insert(String workerId, String state, Instant now) {
		try {
			this.jdbc.update("INSERT INTO jetway_ojs_workers (worker_id, state, last_beat_at) VALUES (?, ?, ?)",
					(statement) -> {
						statement.setString(1, workerId);
						statement.setString(2, state);
						this.databaseType.setInstant(statement, 3, now);
					});
			return true;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

}
