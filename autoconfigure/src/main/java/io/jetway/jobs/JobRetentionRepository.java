package io.jetway.jobs;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import io.jetway.jdbc.DatabaseType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes finished jobs from {@code jetway_jobs} for {@link JobRetention}, one queue at a
 * time along the listing index {@code (queue, created_at)}. No index of its own: an index
 * on {@code status} or {@code completed_at} would turn the claim and the completion into
 * non-HOT updates on PostgreSQL. A job finishes after it was created, so every job past
 * its age was created before that age too, and the walk stops there.
 */
class JobRetentionRepository {

	/**
	 * What makes a job of one queue, created in a range, deletable (the queue, the
	 * range's start and end, when completed jobs must have completed, when failed or
	 * cancelled ones must have ended and been due, unless held ({@link JobOptions#HELD}:
	 * no message of theirs waits), and before when a job with an idempotency key must
	 * have been created). A job whose webhook delivery is pending is kept.
	 */
	static final String DELETABLE = "queue = ? AND created_at >= ? AND created_at < ? "
			+ "AND ((status = 'completed' AND completed_at < ?) "
			+ "OR (status IN ('failed', 'cancelled') AND completed_at < ? AND (run_at < ? OR run_at >= ?))) "
			+ "AND (webhook_status IS NULL OR webhook_status <> 'pending') "
			+ "AND (idempotency_key IS NULL OR created_at < ?)";

	/**
	 * Deletes a batch of deletable jobs of one queue, the oldest first, skipping rows
	 * another transaction holds (another instance's retention among them), and returns
	 * their creation times.
	 */
	static final String POSTGRESQL_DELETE = "DELETE FROM jetway_jobs WHERE id = ANY(ARRAY(SELECT id FROM jetway_jobs "
			+ "WHERE " + DELETABLE + " ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED)) RETURNING created_at";

	/**
	 * The queues that have jobs, one probe of the listing index per queue (PostgreSQL has
	 * no loose index scan for {@code DISTINCT}).
	 */
	static final String POSTGRESQL_QUEUES = "WITH RECURSIVE queues(queue) AS ("
			+ "(SELECT queue FROM jetway_jobs ORDER BY queue LIMIT 1) UNION ALL "
			+ "SELECT (SELECT j.queue FROM jetway_jobs j WHERE j.queue > q.queue ORDER BY j.queue LIMIT 1) "
			+ "FROM queues q WHERE q.queue IS NOT NULL) SELECT queue FROM queues WHERE queue IS NOT NULL";

	private static final String LISTING_INDEX = "jetway_jobs_queue_idx";

	private static final Log logger = LogFactory.getLog(JobRetentionRepository.class);

	/** How often a batch that lost a deadlock runs before the run gives up. */
	private static final int LOCK_ATTEMPTS = 5;

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final TransactionTemplate transactions;

	/**
	 * Whether MySQL/MariaDB's jetway_jobs has {@link #LISTING_INDEX}; null until read.
	 */
	private volatile @Nullable Boolean hasListingIndex;

	/**
	 * @param transactions its transaction manager runs each batch of MySQL/MariaDB and
	 * H2, at READ COMMITTED (no gap locks: a batch locks the rows it deletes, not the
	 * ranges between them)
	 */
	JobRetentionRepository(JdbcTemplate jdbc, DatabaseType databaseType, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
		this.transactions = new TransactionTemplate(transactions.getTransactionManager());
		this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
	}

	List<String> queues() {
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			return this.jdbc.queryForList(POSTGRESQL_QUEUES, String.class);
		}
		return this.jdbc.queryForList("SELECT DISTINCT queue FROM jetway_jobs ORDER BY queue", String.class);
	}

	/**
	 * Deletes up to {@code limit} deletable jobs of a queue created from {@code from} on,
	 * the oldest first, in one transaction of its own.
	 * @return the creation time of each deleted job
	 */
	List<Instant> delete(String queue, Instant from, Cutoffs cutoffs, int limit) {
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			return this.jdbc.query(POSTGRESQL_DELETE, (statement) -> {
				bindDeletable(statement, queue, from, cutoffs);
				statement.setInt(9, limit);
			}, (rows, rowNum) -> createdAt(rows));
		}
		for (int attempt = 1;; attempt++) {
			try {
				return deleteInTransaction(queue, from, cutoffs, limit);
			}
			catch (PessimisticLockingFailureException ex) {
				// a deadlock with another instance's batch (MariaDB): this batch was
				// rolled
				// back as a whole, so it can run again
				if (attempt >= LOCK_ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	/**
	 * MySQL/MariaDB and H2: locks a batch, then deletes it by id.
	 */
	private List<Instant> deleteInTransaction(String queue, Instant from, Cutoffs cutoffs, int limit) {
		List<Instant> deleted = this.transactions.execute((status) -> {
			List<Deletable> rows = this.jdbc.query(
					"SELECT id, created_at FROM jetway_jobs" + listingIndex() + " WHERE " + DELETABLE
							+ " ORDER BY created_at LIMIT ? " + this.databaseType.forUpdateSkipLocked(),
					(statement) -> {
						bindDeletable(statement, queue, from, cutoffs);
						statement.setInt(9, limit);
					}, (result, rowNum) -> new Deletable(this.databaseType.getUuid(result, "id"), createdAt(result)));
			if (rows.isEmpty()) {
				return List.<Instant>of();
			}
			// one statement per id: MariaDB reads past the ids of an IN list and waited
			// for (and deadlocked with) the rows of another instance's batch next to them
			this.jdbc.batchUpdate("DELETE FROM jetway_jobs WHERE id = ?", rows, rows.size(),
					(statement, row) -> this.databaseType.setUuid(statement, 1, row.id()));
			return rows.stream().map(Deletable::createdAt).toList();
		});
		return (deleted != null) ? deleted : List.of();
	}

	/**
	 * MySQL/MariaDB: names the listing index, so that a batch reads the range
	 * {@code (queue, from)} to {@code (queue, createdBefore)} of it. Left to itself,
	 * MariaDB read the queue from its first job, with {@code created_at} checked as a
	 * pushed index condition, and kept every row it passed over locked until the batch
	 * committed, at READ COMMITTED too. Another instance's batch skipped those rows and
	 * its walk went on past them: they stayed until the next run.
	 */
	private String listingIndex() {
		if (this.databaseType != DatabaseType.MYSQL) {
			return "";
		}
		Boolean hasListingIndex = this.hasListingIndex;
		if (hasListingIndex == null) {
			hasListingIndex = hasListingIndex();
			this.hasListingIndex = hasListingIndex;
		}
		return hasListingIndex ? " FORCE INDEX (" + LISTING_INDEX + ")" : "";
	}

	/**
	 * Tables created before 2026-11-23 have {@code jetway_jobs_queue_status_idx} instead,
	 * and the schema script adds no index to an existing MySQL/MariaDB table; a FORCE
	 * INDEX of a missing index fails the statement (error 1176).
	 */
	private boolean hasListingIndex() {
		Integer count = this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM information_schema.statistics "
						+ "WHERE table_schema = DATABASE() AND table_name = 'jetway_jobs' AND index_name = ?",
				Integer.class, LISTING_INDEX);
		if (count == null || count == 0) {
			logger.warn("jetway_jobs has no index " + LISTING_INDEX + " (a table created before 2026-11-23): job "
					+ "retention runs without it, reads more rows and keeps more of them locked. Add it with "
					+ "CREATE INDEX " + LISTING_INDEX + " ON jetway_jobs (queue, created_at) (docs/operations.md, "
					+ "Schema changes at startup).");
			return false;
		}
		return true;
	}

	private void bindDeletable(PreparedStatement statement, String queue, Instant from, Cutoffs cutoffs)
			throws SQLException {
		statement.setString(1, queue);
		this.databaseType.setInstant(statement, 2, from);
		this.databaseType.setInstant(statement, 3, cutoffs.createdBefore());
		this.databaseType.setInstant(statement, 4, cutoffs.succeededBefore());
		this.databaseType.setInstant(statement, 5, cutoffs.failedBefore());
		this.databaseType.setInstant(statement, 6, cutoffs.failedBefore());
		this.databaseType.setInstant(statement, 7, JobOptions.HELD);
		this.databaseType.setInstant(statement, 8, cutoffs.keyCreatedBefore());
	}

	private Instant createdAt(ResultSet rows) throws SQLException {
		return Objects.requireNonNull(this.databaseType.getInstant(rows, "created_at"), "created_at");
	}

	private record Deletable(UUID id, Instant createdAt) {
	}

	/**
	 * Which finished jobs may go.
	 *
	 * @param succeededBefore completed jobs that completed before this
	 * @param failedBefore failed and cancelled jobs that ended (and were due) before this
	 * @param keyCreatedBefore jobs with an idempotency key only when created before this
	 */
	record Cutoffs(Instant succeededBefore, Instant failedBefore, Instant keyCreatedBefore) {

		static Cutoffs at(Instant now, JobsProperties.Retention retention) {
			return new Cutoffs(now.minus(retention.getSucceeded()), now.minus(retention.getFailed()),
					now.minus(retention.getIdempotencyKeyWindow()));
		}

		/**
		 * Every deletable job was created before this (a job ends after it was created).
		 */
		Instant createdBefore() {
			return (this.succeededBefore.isAfter(this.failedBefore)) ? this.succeededBefore : this.failedBefore;
		}

	}

}
