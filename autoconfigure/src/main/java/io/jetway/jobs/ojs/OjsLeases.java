package io.jetway.jobs.ojs;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import io.jetway.jdbc.DatabaseType;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Leases of jobs fetched by external workers, in {@code jetway_job_leases}, and the
 * fenced transitions of their jobs in {@code jetway_jobs}: every change names the lease's
 * token and attempt, so that a call for a lease that is no longer current changes
 * nothing.
 */
class OjsLeases {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final String LEASE_COLUMNS = "job_id, attempt, token, expires_at, reply_subject, worker_id";

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final TransactionTemplate transactions;

	OjsLeases(JdbcTemplate jdbc, DatabaseType databaseType, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
		this.transactions = transactions;
	}

	/**
	 * Claims a job that is due: its next attempt starts, with the progress of an earlier
	 * attempt cleared (progress never goes back within an attempt, so a retried attempt
	 * must start from none), and a lease is stored.
	 * @return the lease, or empty when the job is not pending (or scheduled) and due, or
	 * has expired ({@link OjsExpiries})
	 */
	Optional<Lease> claim(UUID jobId, long streamSequence, String replySubject, @Nullable String workerId,
			Instant expiresAt, Instant now) {
		return this.transactions.execute((status) -> {
			int claimed = this.jdbc.update(
					"UPDATE jetway_jobs SET status = 'running', attempts = attempts + 1, "
							+ "progress_percent = NULL, progress_message = NULL, "
							+ "started_at = ?, claim_seq = ?, updated_at = ? WHERE id = ? AND status IN ('pending', "
							+ "'scheduled') AND run_at <= ? AND (expires_at IS NULL OR expires_at > ?)",
					(statement) -> {
						this.databaseType.setInstant(statement, 1, now);
						statement.setLong(2, streamSequence);
						this.databaseType.setInstant(statement, 3, now);
						this.databaseType.setUuid(statement, 4, jobId);
						this.databaseType.setInstant(statement, 5, now);
						this.databaseType.setInstant(statement, 6, now);
					});
			if (claimed == 0) {
				return Optional.<Lease>empty();
			}
			Integer attempt = this.jdbc.query("SELECT attempts FROM jetway_jobs WHERE id = ?",
					(statement) -> this.databaseType.setUuid(statement, 1, jobId),
					(rows) -> rows.next() ? rows.getInt(1) : null);
			Lease lease = new Lease(jobId, (attempt != null) ? attempt : 1, newToken(), expiresAt, replySubject,
					workerId);
			this.jdbc.update("DELETE FROM jetway_job_leases WHERE job_id = ?",
					(statement) -> this.databaseType.setUuid(statement, 1, jobId));
			this.jdbc.update("INSERT INTO jetway_job_leases (" + LEASE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
					(statement) -> {
						this.databaseType.setUuid(statement, 1, jobId);
						statement.setInt(2, lease.attempt());
						statement.setString(3, lease.token());
						this.databaseType.setInstant(statement, 4, expiresAt);
						statement.setString(5, replySubject);
						statement.setString(6, workerId);
					});
			return Optional.of(lease);
		});
	}

	/**
	 * Undoes a claim no worker received: deletes the lease and puts the job back to
	 * pending with the attempt not spent, fenced by the lease's token and attempt.
	 * @return whether the claim was undone
	 */
	boolean release(Lease lease, Instant now) {
		Boolean released = this.transactions.execute((status) -> {
			int deleted = this.jdbc.update("DELETE FROM jetway_job_leases WHERE job_id = ? AND token = ?",
					(statement) -> {
						this.databaseType.setUuid(statement, 1, lease.jobId());
						statement.setString(2, lease.token());
					});
			if (deleted == 0) {
				return false;
			}
			// started_at before attempts: MySQL applies assignments left to right
			int updated = this.jdbc.update("UPDATE jetway_jobs SET status = 'pending', "
					+ "started_at = CASE WHEN attempts = 1 THEN NULL ELSE started_at END, attempts = attempts - 1, "
					+ "claim_seq = NULL, " + "updated_at = ? WHERE id = ? AND status = 'running' AND attempts = ?",
					(statement) -> {
						this.databaseType.setInstant(statement, 1, now);
						this.databaseType.setUuid(statement, 2, lease.jobId());
						statement.setInt(3, lease.attempt());
					});
			if (updated == 0) {
				status.setRollbackOnly();
				return false;
			}
			return true;
		});
		return Boolean.TRUE.equals(released);
	}

	Optional<Lease> find(UUID jobId) {
		return this.jdbc
			.query("SELECT " + LEASE_COLUMNS + " FROM jetway_job_leases WHERE job_id = ?",
					(statement) -> this.databaseType.setUuid(statement, 1, jobId), this::lease)
			.stream()
			.findFirst();
	}

	/**
	 * Leases whose deadline passed, oldest first, up to {@code limit}; expired leases of
	 * jobs that are gone or no longer run the lease's attempt are deleted first, so that
	 * they cannot fill every sweep.
	 */
	List<Lease> expired(Instant now, int limit) {
		this.jdbc.update("DELETE FROM jetway_job_leases WHERE expires_at <= ? AND NOT EXISTS (SELECT 1 FROM "
				+ "jetway_jobs WHERE jetway_jobs.id = jetway_job_leases.job_id AND jetway_jobs.status = 'running' "
				+ "AND jetway_jobs.attempts = jetway_job_leases.attempt)",
				(statement) -> this.databaseType.setInstant(statement, 1, now));
		return this.jdbc.query(
				"SELECT " + LEASE_COLUMNS + " FROM jetway_job_leases WHERE expires_at <= ? ORDER BY expires_at",
				(statement) -> {
					this.databaseType.setInstant(statement, 1, now);
					statement.setMaxRows(limit);
				}, this::lease);
	}

	/**
	 * Stores an external worker's progress for the lease's attempt and moves the lease's
	 * deadline to {@code until} unless it is later already (progress is a heartbeat), in
	 * one transaction fenced by the lease: its token, deadline not passed, and the job
	 * still running the lease's attempt. A numeric progress lower than the stored one is
	 * ignored (progress never goes back within an attempt).
	 * @param fraction from 0 to 1, or {@code null} to keep the stored one
	 * @param message what the worker is doing, or {@code null} to keep the stored one
	 * @return whether the lease was current (and the progress stored)
	 */
	boolean progress(Lease lease, @Nullable Double fraction, @Nullable String message, Instant until, Instant now) {
		Boolean stored = this.transactions.execute((status) -> {
			int live = this.jdbc.update("UPDATE jetway_job_leases SET expires_at = CASE WHEN expires_at < ? THEN ? "
					+ "ELSE expires_at END WHERE job_id = ? AND token = ? AND expires_at > ?", (statement) -> {
						this.databaseType.setInstant(statement, 1, until);
						this.databaseType.setInstant(statement, 2, until);
						this.databaseType.setUuid(statement, 3, lease.jobId());
						statement.setString(4, lease.token());
						this.databaseType.setInstant(statement, 5, now);
					});
			if (live == 0) {
				return false;
			}
			int updated = this.jdbc.update("UPDATE jetway_jobs SET progress_percent = CASE WHEN ? IS NULL THEN "
					+ "progress_percent WHEN progress_percent IS NULL OR progress_percent < ? THEN ? ELSE "
					+ "progress_percent END, progress_message = COALESCE(?, progress_message), updated_at = ? "
					+ "WHERE id = ? AND attempts = ? AND status = 'running'", (statement) -> {
						for (int index = 1; index <= 3; index++) {
							if (fraction != null) {
								statement.setDouble(index, fraction);
							}
							else {
								statement.setNull(index, java.sql.Types.DOUBLE);
							}
						}
						statement.setString(4, message);
						this.databaseType.setInstant(statement, 5, now);
						this.databaseType.setUuid(statement, 6, lease.jobId());
						statement.setInt(7, lease.attempt());
					});
			if (updated == 0) {
				status.setRollbackOnly();
				return false;
			}
			return true;
		});
		return Boolean.TRUE.equals(stored);
	}

	/**
	 * Moves a live lease's deadline.
	 * @return whether the lease was live (and is extended)
	 */
	boolean extend(Lease lease, Instant until, Instant now) {
		return this.jdbc.update(
				"UPDATE jetway_job_leases SET expires_at = ? WHERE job_id = ? AND token = ? AND expires_at > ?",
				(statement) -> {
					this.databaseType.setInstant(statement, 1, until);
					this.databaseType.setUuid(statement, 2, lease.jobId());
					statement.setString(3, lease.token());
					this.databaseType.setInstant(statement, 4, now);
				}) == 1;
	}

	/**
	 * @return whether the job's running attempt was claimed from the message at this
	 * stream sequence (and not from another copy of the job's message), or is not known
	 */
	boolean isClaimedBy(UUID jobId, long streamSequence) {
		Long claimSeq = this.jdbc.query("SELECT claim_seq FROM jetway_jobs WHERE id = ?",
				(statement) -> this.databaseType.setUuid(statement, 1, jobId), (rows) -> {
					if (!rows.next()) {
						return null;
					}
					long value = rows.getLong(1);
					return rows.wasNull() ? null : value;
				});
		return claimSeq == null || claimSeq == streamSequence;
	}

	/** Records the reply subject of a redelivery of a leased job's message. */
	void replyTo(Lease lease, String replySubject) {
		this.jdbc.update("UPDATE jetway_job_leases SET reply_subject = ? WHERE job_id = ? AND token = ?",
				(statement) -> {
					statement.setString(1, replySubject);
					this.databaseType.setUuid(statement, 2, lease.jobId());
					statement.setString(3, lease.token());
				});
	}

	/**
	 * Ends a lease with the job's outcome, in one transaction: the lease must still be
	 * the job's (same token) and, unless {@code expired}, live; the job must still run
	 * the lease's attempt.
	 * @param expired whether the lease ends because its deadline passed (the sweep)
	 * @return whether the outcome applied
	 */
	boolean finish(Lease lease, Outcome outcome, boolean expired, Instant now) {
		Boolean applied = this.transactions.execute((status) -> {
			int released = this.jdbc.update("DELETE FROM jetway_job_leases WHERE job_id = ? AND token = ? AND "
					+ "expires_at " + (expired ? "<=" : ">") + " ?", (statement) -> {
						this.databaseType.setUuid(statement, 1, lease.jobId());
						statement.setString(2, lease.token());
						this.databaseType.setInstant(statement, 3, now);
					});
			if (released == 0) {
				return false;
			}
			int updated = this.jdbc.update("UPDATE jetway_jobs SET status = ?, result = ?, error = ?, run_at = ?, "
					+ "completed_at = ?, claim_seq = NULL, updated_at = ?, ojs_errors = COALESCE(?, ojs_errors) "
					+ "WHERE id = ? AND status = 'running' AND attempts = ?", (statement) -> {
						statement.setString(1, outcome.state());
						statement.setString(2, outcome.result());
						statement.setString(3, outcome.error());
						this.databaseType.setInstant(statement, 4, (outcome.runAt() != null) ? outcome.runAt() : now);
						this.databaseType.setInstant(statement, 5, "pending".equals(outcome.state()) ? null : now);
						this.databaseType.setInstant(statement, 6, now);
						statement.setString(7, outcome.errors());
						this.databaseType.setUuid(statement, 8, lease.jobId());
						statement.setInt(9, lease.attempt());
					});
			if (updated == 0) {
				status.setRollbackOnly();
				return false;
			}
			return true;
		});
		return Boolean.TRUE.equals(applied);
	}

	/**
	 * Cancels a job that has not ended: a pending or scheduled one, or a running one
	 * whose lease it ends. The lease is deleted before the job is updated, the order
	 * {@link #finish} uses, so that the two cannot deadlock.
	 * @return the lease it ended, if the job ran; empty also when nothing was cancelled
	 * (the job ended, or runs without a lease)
	 */
	Optional<Lease> cancel(UUID jobId, Instant now) {
		return this.transactions.execute((status) -> {
			Optional<Lease> lease = find(jobId);
			boolean released = lease.isPresent()
					&& this.jdbc.update("DELETE FROM jetway_job_leases WHERE job_id = ? AND token = ?", (statement) -> {
						this.databaseType.setUuid(statement, 1, jobId);
						statement.setString(2, lease.get().token());
					}) == 1;
			int cancelled = this.jdbc.update("UPDATE jetway_jobs SET status = 'cancelled', completed_at = ?, "
					+ "claim_seq = NULL, updated_at = ? WHERE id = ? AND (status IN ('scheduled', 'pending')"
					+ (released ? " OR (status = 'running' AND attempts = ?))" : ")"), (statement) -> {
						this.databaseType.setInstant(statement, 1, now);
						this.databaseType.setInstant(statement, 2, now);
						this.databaseType.setUuid(statement, 3, jobId);
						if (released) {
							statement.setInt(4, lease.get().attempt());
						}
					});
			if (cancelled == 0) {
				status.setRollbackOnly();
				return Optional.<Lease>empty();
			}
			return released ? lease : Optional.<Lease>empty();
		});
	}

	/**
	 * Deletes every job, lease and worker state, and the pending outbox rows of job
	 * messages (a conformance run's reset; never in production).
	 * @param jobSubject whether an outbox row's subject is a job message's (the
	 * application's own messages are kept)
	 * @return the number of jobs deleted
	 */
	int deleteAllJobs(Predicate<String> jobSubject) {
		return Objects.requireNonNull(this.transactions.execute((status) -> {
			List<UUID> messages = new ArrayList<>();
			this.jdbc.query("SELECT id, subject FROM jetway_outbox WHERE status = 'pending'",
					(RowCallbackHandler) (rows) -> {
						if (jobSubject.test(rows.getString("subject"))) {
							messages.add(this.databaseType.getUuid(rows, "id"));
						}
					});
			this.jdbc.batchUpdate("DELETE FROM jetway_outbox WHERE id = ?", messages, 500,
					(statement, id) -> this.databaseType.setUuid(statement, 1, id));
			this.jdbc.update("DELETE FROM jetway_job_leases");
			this.jdbc.update("DELETE FROM jetway_ojs_workers");
			return this.jdbc.update("DELETE FROM jetway_jobs");
		}));
	}

	/**
	 * @return whether a failed (discarded) job was deleted
	 */
	boolean deleteFailed(UUID jobId) {
		return this.jdbc.update("DELETE FROM jetway_jobs WHERE id = ? AND status = 'failed'",
				(statement) -> this.databaseType.setUuid(statement, 1, jobId)) == 1;
	}

	private Lease lease(ResultSet rows, int row) throws SQLException {
		return new Lease(this.databaseType.getUuid(rows, "job_id"), rows.getInt("attempt"), rows.getString("token"),
				this.databaseType.getInstant(rows, "expires_at"), rows.getString("reply_subject"),
				rows.getString("worker_id"));
	}

	private static String newToken() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return "lease_" + HexFormat.of().formatHex(bytes);
	}

	/**
	 * A job's lease.
	 *
	 * @param jobId the job
	 * @param attempt the attempt it runs
	 * @param token the fencing token the worker may present
	 * @param expiresAt its deadline
	 * @param replySubject the reply subject of the job's JetStream message, to
	 * acknowledge it from any instance
	 * @param workerId the worker's id, if it gave one
	 */
	record Lease(UUID jobId, int attempt, String token, Instant expiresAt, String replySubject,
			@Nullable String workerId) {
	}

	/**
	 * What a lease ends with.
	 *
	 * @param state the job's new state ({@code completed}, {@code pending} for a retry,
	 * {@code failed})
	 * @param result the result as JSON, when completed
	 * @param error the error as JSON, when failed
	 * @param runAt when a retry is due
	 * @param errors the job's error history with this attempt's error, as JSON, or
	 * {@code null} to keep the stored one
	 */
	record Outcome(String state, @Nullable String result, @Nullable String error, @Nullable Instant runAt,
			@Nullable String errors) {
	}

}
