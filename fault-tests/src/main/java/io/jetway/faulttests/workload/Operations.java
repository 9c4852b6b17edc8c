package io.jetway.faulttests.workload;

import io.jetway.publish.JetwayPublisher;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Commits business operations: the operation row and the outbox row of its event commit
 * together. The ids come from the one row of {@code workload_driver}, claimed in the same
 * transaction, so instances sharing a database never commit the same operation and a
 * transaction lost in a crash hands its ids back.
 */
@Service
public class Operations {

	private final JdbcTemplate jdbc;

	private final JetwayPublisher publisher;

	public Operations(JdbcTemplate jdbc, JetwayPublisher publisher) {
		this.jdbc = jdbc;
		this.publisher = publisher;
	}

	/**
	 * Sets the number of operations of the run unless a run is already recorded.
	 * @param total the operations of the run
	 */
	public void plan(int total) {
		this.jdbc.update("INSERT INTO workload_driver (id, next_operation, total) VALUES (1, 1, ?) "
				+ "ON CONFLICT (id) DO NOTHING", total);
	}

	/**
	 * Whether the suite has recorded the start of the run (see
	 * {@code workload.await-start}).
	 * @return whether the drivers may commit operations
	 */
	public boolean started() {
		Integer rows = this.jdbc.queryForObject("SELECT count(*) FROM workload_start", Integer.class);
		return rows != null && rows > 0;
	}

	/**
	 * Commits the next operation of the run, if any is left.
	 * @return the operation's id, or {@code null} when the run is complete
	 */
	@Transactional
	public @Nullable Long commitNext() {
		Long id = this.jdbc.query(
				"UPDATE workload_driver SET next_operation = next_operation + 1 "
						+ "WHERE id = 1 AND next_operation <= total RETURNING next_operation - 1",
				(rs) -> rs.next() ? rs.getLong(1) : null);
		if (id == null) {
			return null;
		}
		this.jdbc.update("INSERT INTO workload_operations (id) VALUES (?)", id);
		this.publisher.publish(OperationCreated.SUBJECT, new OperationCreated(id));
		return id;
	}

}
