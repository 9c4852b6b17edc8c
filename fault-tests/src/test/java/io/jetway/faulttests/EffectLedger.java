package io.jetway.faulttests;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * Counts the workload's operations, effects, jobs and outbox rows with SQL.
 */
final class EffectLedger {

	private final DataSource dataSource;

	EffectLedger(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	/** Operations committed so far (0 before the workload created its tables). */
	long operations() {
		return count("SELECT count(*) FROM workload_operations");
	}

	/** Operations with a job effect so far. */
	long operationsWithJobEffect() {
		return count("SELECT count(DISTINCT operation_id) FROM workload_job_effects");
	}

	/** Operations with a listener effect so far. */
	long operationsWithListenerEffect() {
		return count("SELECT count(DISTINCT operation_id) FROM workload_listener_effects");
	}

	/** Jobs that are not completed, failed or cancelled. */
	long jobsNotTerminal() {
		return count("SELECT count(*) FROM jetway_jobs WHERE status NOT IN ('completed', 'failed', 'cancelled')");
	}

	/** Outbox rows not sent. */
	long outboxNotSent() {
		return count("SELECT count(*) FROM jetway_outbox WHERE status <> 'sent'");
	}

	/**
	 * Messages of {@code consumer} its inbox recorded as processed on a redelivery (a
	 * delivery count above 1).
	 */
	long redeliveredInboxMessages(String consumer) {
		long[] count = new long[1];
		query("SELECT count(*) FROM jetway_inbox WHERE consumer = ? AND deliveries > 1",
				(statement) -> statement.setString(1, consumer), (rs) -> count[0] = rs.getLong(1));
		return count[0];
	}

	RunResult result(List<FaultWindow> faults, long deadLetters) {
		long operations = operations();
		long listenerEffects = count("SELECT count(*) FROM workload_listener_effects");
		long listenerHandled = count("SELECT count(DISTINCT e.operation_id) FROM workload_listener_effects e "
				+ "JOIN workload_operations o ON o.id = e.operation_id");
		long listenerDistinct = operationsWithListenerEffect();
		long jobEffects = count("SELECT count(*) FROM workload_job_effects");
		long jobHandled = count("SELECT count(DISTINCT e.operation_id) FROM workload_job_effects e "
				+ "JOIN workload_operations o ON o.id = e.operation_id");
		long jobDistinct = operationsWithJobEffect();
		long listenerOrphans = count("SELECT count(*) FROM workload_listener_effects e "
				+ "WHERE NOT EXISTS (SELECT 1 FROM workload_operations o WHERE o.id = e.operation_id)");
		long jobOrphans = count("SELECT count(*) FROM workload_job_effects e "
				+ "WHERE NOT EXISTS (SELECT 1 FROM workload_operations o WHERE o.id = e.operation_id)");
		Map<String, Long> outboxRows = new LinkedHashMap<>();
		query("SELECT subject, count(*) FROM jetway_outbox GROUP BY subject ORDER BY subject",
				(rs) -> outboxRows.put(rs.getString(1), rs.getLong(2)));
		Map<String, Long> jobs = new LinkedHashMap<>();
		query("SELECT status, count(*) FROM jetway_jobs GROUP BY status ORDER BY status",
				(rs) -> jobs.put(rs.getString(1), rs.getLong(2)));
		return new RunResult(operations, listenerEffects, operations - listenerHandled,
				listenerEffects - listenerDistinct, listenerOrphans, jobEffects, operations - jobHandled,
				jobEffects - jobDistinct, jobOrphans, jobs, outboxRows, outboxNotSent(), deadLetters, recovery(faults));
	}

	/**
	 * The longest time, over all faults, from the end of a fault until the system was
	 * whole again: every operation committed before the fault ended had its job effect,
	 * and a job effect was recorded after the fault (the path works end to end again).
	 */
	private Duration recovery(List<FaultWindow> faults) {
		Duration longest = Duration.ZERO;
		for (FaultWindow fault : faults) {
			Timestamp end = Timestamp.from(fault.end());
			Timestamp backlogDone = timestamp("SELECT max(first_effect) FROM (SELECT min(e.created_at) AS first_effect "
					+ "FROM workload_job_effects e JOIN workload_operations o ON o.id = e.operation_id "
					+ "WHERE o.created_at < ? GROUP BY e.operation_id) f", end);
			Timestamp firstAfter = timestamp("SELECT min(created_at) FROM workload_job_effects WHERE created_at > ?",
					end);
			for (Timestamp recovered : new Timestamp[] { backlogDone, firstAfter }) {
				if (recovered != null) {
					Duration recovery = Duration.between(fault.end(), recovered.toInstant());
					if (recovery.compareTo(longest) > 0) {
						longest = recovery;
					}
				}
			}
		}
		return longest;
	}

	private @Nullable Timestamp timestamp(String sql, Timestamp parameter) {
		Timestamp[] result = new Timestamp[1];
		query(sql, (statement) -> statement.setTimestamp(1, parameter), (rs) -> result[0] = rs.getTimestamp(1));
		return result[0];
	}

	private long count(String sql) {
		long[] count = new long[1];
		query(sql, (rs) -> count[0] = rs.getLong(1));
		return count[0];
	}

	private void query(String sql, RowHandler rows) {
		query(sql, (statement) -> {
		}, rows);
	}

	private void query(String sql, Binder binder, RowHandler rows) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			binder.bind(statement);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					rows.row(rs);
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "': " + ex.getMessage(), ex);
		}
	}

	@FunctionalInterface
	private interface Binder {

		void bind(PreparedStatement statement) throws SQLException;

	}

	@FunctionalInterface
	private interface RowHandler {

		void row(ResultSet rs) throws SQLException;

	}

}
