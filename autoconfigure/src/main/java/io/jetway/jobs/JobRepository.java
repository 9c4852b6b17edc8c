package io.jetway.jobs;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.jetway.jdbc.DatabaseType;
import io.jetway.jdbc.KeyedBatchStatements;
import io.jetway.jdbc.PostgresArrays;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * JDBC access to {@code jetway_jobs}, {@code jetway_job_queues} and
 * {@code jetway_job_schedules}. Every state change that can race is a conditional update:
 * on the job's current status and, for a running job, on its attempt number, so a stale
 * worker cannot overwrite a newer attempt.
 */
public class JobRepository {

	private static final String COLUMNS = "id, type, queue, status, attempts, max_attempts, payload, result, error, "
			+ "progress_percent, progress_message, created_at, run_at, started_at, completed_at, webhook_url, "
			+ "webhook_status, webhook_attempts, webhook_last_error, meta";

	private static final String CLAIMED_COLUMNS = "id, type, queue, status, attempts, max_attempts, payload, "
			+ "claim_seq, run_at, traceparent, meta";

	/**
	 * How far ahead of its run time a scheduled or pending job may be claimed, for clocks
	 * of instances that differ a little.
	 */
	private static final Duration RUN_AT_TOLERANCE = Duration.ofSeconds(1);

	/**
	 * Inserts a batch of jobs without idempotency key in one statement, one array per
	 * column.
	 */
	static final String POSTGRESQL_INSERT_ALL = "INSERT INTO jetway_jobs (id, type, queue, status, attempts, "
			+ "max_attempts, payload, webhook_url, created_at, run_at, updated_at, enqueue_xid, traceparent, meta) "
			+ "SELECT r.id, r.type, r.queue, r.status, 0, r.max_attempts, r.payload, r.webhook_url, r.created_at, "
			+ "r.run_at, r.created_at, CASE WHEN r.direct THEN pg_current_xact_id() END, r.traceparent, r.meta "
			+ "FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::int4[], ?::text[], ?::text[], "
			+ "?::timestamptz[], ?::timestamptz[], ?::bool[], ?::text[], ?::text[]) "
			+ "AS r(id, type, queue, status, max_attempts, payload, webhook_url, created_at, run_at, direct, "
			+ "traceparent, meta)";

	/**
	 * Applies a batch of attempt outcomes in one statement (now, then arrays of ids,
	 * attempts, states, results, errors, retry times and whether the job ended), each
	 * only if the job still runs that attempt; returns those that applied.
	 */
	static final String POSTGRESQL_FINISH_ALL = "UPDATE jetway_jobs j SET status = r.status, result = r.result, "
			+ "error = r.error, completed_at = CASE WHEN r.ended THEN n.now END, "
			+ "run_at = COALESCE(r.retry_at, j.run_at), updated_at = n.now, "
			+ "progress_percent = CASE WHEN r.status = 'completed' THEN 1.0 ELSE j.progress_percent END, "
			+ "webhook_status = CASE WHEN j.webhook_url IS NOT NULL AND r.ended THEN 'pending' "
			+ "ELSE j.webhook_status END, "
			+ "webhook_next_at = CASE WHEN j.webhook_url IS NOT NULL AND r.ended THEN n.now ELSE j.webhook_next_at END "
			+ "FROM (SELECT ?::timestamptz AS now) n, unnest(?::uuid[], ?::int4[], ?::text[], ?::text[], ?::text[], "
			+ "?::timestamptz[], ?::bool[]) AS r(id, attempt, status, result, error, retry_at, ended) "
			+ "WHERE j.id = r.id AND j.attempts = r.attempt AND j.status = 'running' RETURNING j.id, j.attempts";

	/**
	 * Claims jobs (now, then arrays of ids and the stream sequences of their messages,
	 * then the time before which a job must be due) and returns those it changed. A
	 * running job is taken over only through a redelivery of the message that claimed it;
	 * a scheduled or pending job only once it is due (a second copy of its message does
	 * not skip a retry's backoff). A take-over is an attempt like any other: a running
	 * job whose last attempt was abandoned with max-attempts reached fails instead (its
	 * row comes back {@code failed}).
	 */
	static final String POSTGRESQL_CLAIM = "UPDATE jetway_jobs j SET " + "status = CASE WHEN " + Sql.EXHAUSTED
			+ " THEN 'failed' ELSE 'running' END, " + "attempts = CASE WHEN " + Sql.EXHAUSTED
			+ " THEN j.attempts ELSE j.attempts + 1 END, " + "error = CASE WHEN " + Sql.EXHAUSTED
			+ " THEN 'attempt ' || j.attempts || '" + Sql.ABANDONED_MIDDLE + "' || j.max_attempts || '"
			+ Sql.ABANDONED_END + "' ELSE j.error END, " + "completed_at = CASE WHEN " + Sql.EXHAUSTED
			+ " THEN n.now ELSE j.completed_at END, " + "started_at = CASE WHEN " + Sql.EXHAUSTED
			+ " THEN j.started_at ELSE n.now END, " + "webhook_status = CASE WHEN " + Sql.EXHAUSTED
			+ " AND j.webhook_url IS NOT NULL THEN 'pending' " + "ELSE j.webhook_status END, "
			+ "webhook_next_at = CASE WHEN " + Sql.EXHAUSTED + " AND j.webhook_url IS NOT NULL THEN n.now "
			+ "ELSE j.webhook_next_at END, " + "updated_at = n.now, claim_seq = r.seq "
			+ "FROM (SELECT ?::timestamptz AS now) n, unnest(?::uuid[], ?::int8[]) AS r(id, seq) "
			+ "WHERE j.id = r.id AND ((j.status IN ('scheduled', 'pending') AND j.run_at <= ?) "
			+ "OR (j.status = 'running' AND (j.claim_seq IS NULL OR j.claim_seq = r.seq))) "
			+ "RETURNING j.id, j.type, j.queue, j.status, j.attempts, j.max_attempts, j.payload, j.claim_seq, j.run_at, "
			+ "j.traceparent, j.meta";

	/** Parts of the claim statement. */
	private static final class Sql {

		/**
		 * The job runs an attempt that was abandoned, and it was the last one allowed.
		 */
		static final String EXHAUSTED = "(j.status = 'running' AND j.attempts >= j.max_attempts)";

		static final String ABANDONED_MIDDLE = " was abandoned (worker died or lost NATS) and max-attempts ";

		static final String ABANDONED_END = " is reached";

	}

	/**
	 * The error of a job failed because its last allowed attempt was abandoned.
	 */
	static String abandonedError(int attempt, int maxAttempts) {
		return "attempt " + attempt + Sql.ABANDONED_MIDDLE + maxAttempts + Sql.ABANDONED_END;
	}

	/**
	 * Takes a claim back (now, then arrays of ids and attempts): see
	 * {@link #unclaim(List, Instant)}. {@code started_at} keeps the claim's time; the
	 * next claim sets it again.
	 */
	static final String POSTGRESQL_UNCLAIM_ALL = "UPDATE jetway_jobs j SET status = 'pending', "
			+ "attempts = j.attempts - 1, claim_seq = NULL, run_at = n.now, updated_at = n.now "
			+ "FROM (SELECT ?::timestamptz AS now) n, unnest(?::uuid[], ?::int4[]) AS r(id, attempt) "
			+ "WHERE j.id = r.id AND j.attempts = r.attempt AND j.status = 'running'";

	private static final String UNCLAIM_ONE = "UPDATE jetway_jobs SET status = 'pending', attempts = attempts - 1, "
			+ "claim_seq = NULL, run_at = ?, updated_at = ? WHERE id = ? AND attempts = ? AND status = 'running'";

	/** Applies one outcome if the job still runs that attempt. */
	private static final String FINISH_ONE = "UPDATE jetway_jobs SET status = ?, result = ?, error = ?, "
			+ "completed_at = ?, run_at = COALESCE(?, run_at), updated_at = ?, "
			+ "progress_percent = CASE WHEN ? THEN 1.0 ELSE progress_percent END, "
			+ "webhook_status = CASE WHEN webhook_url IS NOT NULL AND ? THEN 'pending' ELSE webhook_status END, "
			+ "webhook_next_at = CASE WHEN webhook_url IS NOT NULL AND ? THEN ? ELSE webhook_next_at END "
			+ "WHERE id = ? AND attempts = ? AND status = 'running'";

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final TransactionTemplate transactions;

	/** A transaction of its own even inside another one. */
	private final TransactionTemplate ownTransactions;

	public JobRepository(JdbcTemplate jdbc, DatabaseType databaseType, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
		this.transactions = transactions;
		this.ownTransactions = new TransactionTemplate(transactions.getTransactionManager());
		this.ownTransactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * Inserts a job unless its id or idempotency key exists; never aborts the caller's
	 * transaction on a duplicate key (PostgreSQL: ON CONFLICT DO NOTHING; MySQL and H2
	 * roll back only the failed statement).
	 * @return whether the row was inserted
	 */
	boolean insert(NewJob job) {
		try {
			return this.jdbc.update(insertStatement(), (statement) -> bindNewJob(statement, job)) == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	/**
	 * Inserts jobs without an idempotency key in one batch.
	 */
	void insertAll(List<NewJob> jobs) {
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			this.jdbc.update(POSTGRESQL_INSERT_ALL,
					(statement) -> PostgresArrays.bind(statement, jobs)
						.uuids(NewJob::id)
						.texts(NewJob::type)
						.texts(NewJob::queue)
						.texts((job) -> job.state().columnValue())
						.ints(NewJob::maxAttempts)
						.texts(NewJob::payload)
						.texts(NewJob::webhookUrl)
						.instants(NewJob::createdAt)
						.instants(NewJob::runAt)
						.booleans(NewJob::direct)
						.texts(NewJob::traceparent)
						.texts(NewJob::meta));
			return;
		}
		this.jdbc.batchUpdate(insertStatement(), jobs, jobs.size(), this::bindNewJob);
	}

	private String insertStatement() {
		String columns = "(id, type, queue, status, attempts, max_attempts, payload, idempotency_key, webhook_url, "
				+ "created_at, run_at, updated_at, traceparent, meta";
		String values = "VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?";
		return switch (this.databaseType) {
			case POSTGRESQL -> "INSERT INTO jetway_jobs " + columns + ", enqueue_xid) " + values
					+ ", CASE WHEN ? THEN pg_current_xact_id() END) ON CONFLICT DO NOTHING";
			case MYSQL, H2 -> "INSERT INTO jetway_jobs " + columns + ") " + values + ")";
		};
	}

	private void bindNewJob(PreparedStatement statement, NewJob job) throws SQLException {
		this.databaseType.setUuid(statement, 1, job.id());
		statement.setString(2, job.type());
		statement.setString(3, job.queue());
		statement.setString(4, job.state().columnValue());
		statement.setInt(5, job.maxAttempts());
		statement.setString(6, job.payload());
		statement.setString(7, job.idempotencyKey());
		statement.setString(8, job.webhookUrl());
		this.databaseType.setInstant(statement, 9, job.createdAt());
		this.databaseType.setInstant(statement, 10, job.runAt());
		this.databaseType.setInstant(statement, 11, job.createdAt());
		statement.setString(12, job.traceparent());
		statement.setString(13, job.meta());
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			statement.setBoolean(14, job.direct());
		}
	}

	Optional<UUID> findIdByIdempotencyKey(String key) {
		List<UUID> ids = this.jdbc.query("SELECT id FROM jetway_jobs WHERE idempotency_key = ?",
				(rows, rowNum) -> this.databaseType.getUuid(rows, "id"), key);
		return ids.stream().findFirst();
	}

	Optional<JobStatus> findById(UUID id) {
		return this.jdbc
			.query("SELECT " + COLUMNS + " FROM jetway_jobs WHERE id = ?",
					(statement) -> this.databaseType.setUuid(statement, 1, id), (rows, rowNum) -> status(rows))
			.stream()
			.findFirst();
	}

	List<JobStatus> find(JobQuery query, int offset, int limit) {
		List<Object> arguments = new ArrayList<>();
		if (query.queue() != null) {
			arguments.add(query.queue());
		}
		if (query.type() != null) {
			arguments.add(query.type());
		}
		if (query.state() != null) {
			arguments.add(query.state().columnValue());
		}
		if (query.createdFrom() != null) {
			arguments.add(query.createdFrom());
		}
		if (query.createdTo() != null) {
			arguments.add(query.createdTo());
		}
		arguments.add(limit);
		arguments.add(offset);
		return this.jdbc.query(findStatement(query), (statement) -> {
			for (int i = 0; i < arguments.size(); i++) {
				if (arguments.get(i) instanceof Instant instant) {
					this.databaseType.setInstant(statement, i + 1, instant);
				}
				else {
					statement.setObject(i + 1, arguments.get(i));
				}
			}
		}, (rows, rowNum) -> status(rows));
	}

	/**
	 * The listing of a queue and state, as {@link #findStatement} writes it.
	 */
	static String listStatement(boolean byQueue, @Nullable JobState state) {
		return findStatement(new JobQuery(byQueue ? "queue" : null, null, state, null, null));
	}

	/**
	 * The search: newest first, with a condition per criterion the query has, in the
	 * order queue, type, state, created from, created to, then the limit and offset.
	 * Failed jobs are also asked for {@code error IS NOT NULL} (every failed job has an
	 * error), which PostgreSQL's partial index {@code jetway_jobs_error_idx} matches: a
	 * rare status found without reading the queue's other jobs.
	 */
	static String findStatement(JobQuery query) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM jetway_jobs WHERE 1 = 1");
		if (query.queue() != null) {
			sql.append(" AND queue = ?");
		}
		if (query.type() != null) {
			sql.append(" AND type = ?");
		}
		if (query.state() != null) {
			sql.append(" AND status = ?");
		}
		if (query.state() == JobState.FAILED) {
			sql.append(" AND error IS NOT NULL");
		}
		if (query.createdFrom() != null) {
			sql.append(" AND created_at >= ?");
		}
		if (query.createdTo() != null) {
			sql.append(" AND created_at < ?");
		}
		return sql.append(" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?").toString();
	}

	/**
	 * Marks the given jobs running with their next attempt, in one statement of its own
	 * transaction (call it outside a transaction), and returns all of them as they are
	 * now, each saying whether this call claimed it. A job is claimed when it is
	 * scheduled or pending, or when it is running and the message is a redelivery of the
	 * one that claimed it (its stream sequence, stored with the claim): the worker that
	 * ran it stopped or lost its delivery. Any other message of a running job is a second
	 * copy of its message (see {@link JobDispatchRecovery}) and claims nothing. A
	 * take-over is an attempt: when the abandoned attempt was the job's last allowed one,
	 * the claim fails the job instead ({@link ClaimedJob#abandoned()}).
	 * <p>
	 * The claim's commit does not wait for its WAL flush on PostgreSQL: a claim lost in a
	 * database crash leaves the job pending or at its previous attempt, and its message
	 * is acknowledged only after the (durable) completion, so it is redelivered and the
	 * job runs again.
	 * @param messages the jobs, each with the stream sequence of its message
	 * @param now the start time to record
	 */
	List<ClaimedJob> claim(Map<UUID, Long> messages, Instant now) {
		if (messages.isEmpty()) {
			return Collections.emptyList();
		}
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			return claimInOneRoundTrip(messages, now);
		}
		return this.transactions.execute((status) -> {
			Set<UUID> ids = messages.keySet();
			String placeholders = String.join(", ", Collections.nCopies(ids.size(), "?"));
			List<ClaimedJob> current = this.jdbc.query(
					"SELECT " + CLAIMED_COLUMNS + " FROM jetway_jobs WHERE id IN (" + placeholders + ") FOR UPDATE",
					(statement) -> bindIds(statement, 1, ids), (rows, rowNum) -> claimedJob(rows, false));
			Instant dueBefore = now.plus(RUN_AT_TOLERANCE);
			List<ClaimedJob> result = new ArrayList<>(current.size());
			List<ClaimedJob> claimable = new ArrayList<>();
			List<ClaimedJob> exhausted = new ArrayList<>();
			for (ClaimedJob job : current) {
				Long sequence = messages.get(job.id());
				boolean due = (job.state() == JobState.SCHEDULED || job.state() == JobState.PENDING)
						&& (job.runAt() == null || !job.runAt().isAfter(dueBefore));
				boolean takeOver = job.state() == JobState.RUNNING
						&& (job.claimSeq() == null || job.claimSeq().equals(sequence));
				if (takeOver && job.attempt() >= job.maxAttempts()) {
					exhausted.add(job);
					result.add(new ClaimedJob(job.id(), job.type(), job.queue(), JobState.FAILED, job.attempt(),
							job.maxAttempts(), job.payload(), false, sequence, job.runAt(), true, job.traceparent(),
							job.meta()));
				}
				else if (due || takeOver) {
					claimable.add(job);
					result.add(new ClaimedJob(job.id(), job.type(), job.queue(), JobState.RUNNING, job.attempt() + 1,
							job.maxAttempts(), job.payload(), true, sequence, job.runAt(), false, job.traceparent(),
							job.meta()));
				}
				else {
					result.add(job);
				}
			}
			if (!claimable.isEmpty()) {
				this.jdbc.batchUpdate(
						"UPDATE jetway_jobs SET status = 'running', attempts = attempts + 1, "
								+ "started_at = ?, updated_at = ?, claim_seq = ? WHERE id = ?",
						claimable, claimable.size(), (statement, job) -> {
							this.databaseType.setInstant(statement, 1, now);
							this.databaseType.setInstant(statement, 2, now);
							statement.setLong(3, messages.get(job.id()));
							this.databaseType.setUuid(statement, 4, job.id());
						});
			}
			if (!exhausted.isEmpty()) {
				this.jdbc.batchUpdate("UPDATE jetway_jobs SET status = 'failed', error = ?, completed_at = ?, "
						+ "updated_at = ?, claim_seq = ?, "
						+ "webhook_status = CASE WHEN webhook_url IS NOT NULL THEN 'pending' ELSE webhook_status END, "
						+ "webhook_next_at = CASE WHEN webhook_url IS NOT NULL THEN ? ELSE webhook_next_at END "
						+ "WHERE id = ?", exhausted, exhausted.size(), (statement, job) -> {
							statement.setString(1, abandonedError(job.attempt(), job.maxAttempts()));
							this.databaseType.setInstant(statement, 2, now);
							this.databaseType.setInstant(statement, 3, now);
							statement.setLong(4, messages.get(job.id()));
							this.databaseType.setInstant(statement, 5, now);
							this.databaseType.setUuid(statement, 6, job.id());
						});
			}
			return result;
		});
	}

	/**
	 * The PostgreSQL claim: the transaction's settings
	 * ({@link KeyedBatchStatements#settings}) and the claim go to the server together,
	 * one round trip, committed on their own. Only jobs that were not claimed are read
	 * separately.
	 */
	private List<ClaimedJob> claimInOneRoundTrip(Map<UUID, Long> messages, Instant now) {
		List<ClaimedJob> claimed = new ArrayList<>(
				KeyedBatchStatements.run(this.jdbc, true, POSTGRESQL_CLAIM, (statement) -> {
					this.databaseType.setInstant(statement, 1, now);
					statement.setArray(2, statement.getConnection().createArrayOf("uuid", messages.keySet().toArray()));
					statement.setArray(3, statement.getConnection().createArrayOf("int8", messages.values().toArray()));
					this.databaseType.setInstant(statement, 4, now.plus(RUN_AT_TOLERANCE));
				}, (rows, rowNum) -> changedByClaim(rows)));
		if (claimed.size() < messages.size()) {
			Set<UUID> missing = new HashSet<>(messages.keySet());
			claimed.forEach((job) -> missing.remove(job.id()));
			claimed.addAll(this.jdbc.query((connection) -> {
				PreparedStatement statement = connection
					.prepareStatement("SELECT " + CLAIMED_COLUMNS + " FROM jetway_jobs WHERE id = ANY(?)");
				statement.setArray(1, connection.createArrayOf("uuid", missing.toArray()));
				return statement;
			}, (rows, rowNum) -> claimedJob(rows, false)));
		}
		return claimed;
	}

	/**
	 * A row the claim changed: claimed, or failed because its last attempt was abandoned.
	 */
	private ClaimedJob changedByClaim(ResultSet rows) throws SQLException {
		boolean claimed = JobState.fromColumn(rows.getString("status")) == JobState.RUNNING;
		return claimedJob(rows, claimed, !claimed);
	}

	private ClaimedJob claimedJob(ResultSet rows, boolean claimed) throws SQLException {
		return claimedJob(rows, claimed, false);
	}

	private ClaimedJob claimedJob(ResultSet rows, boolean claimed, boolean abandoned) throws SQLException {
		long claimSeq = rows.getLong("claim_seq");
		Long claimSequence = rows.wasNull() ? null : claimSeq;
		return new ClaimedJob(this.databaseType.getUuid(rows, "id"), rows.getString("type"), rows.getString("queue"),
				JobState.fromColumn(rows.getString("status")), rows.getInt("attempts"), rows.getInt("max_attempts"),
				rows.getString("payload"), claimed, claimSequence, this.databaseType.getInstant(rows, "run_at"),
				abandoned, rows.getString("traceparent"), rows.getString("meta"));
	}

	/**
	 * Applies attempt outcomes in one batch of its own transaction (call it outside a
	 * transaction), each only if the job still runs that attempt.
	 * @return per outcome, whether it applied
	 */
	boolean[] finish(List<AttemptOutcome> outcomes, Instant now) {
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			return finishAll(outcomes, now);
		}
		int[][] counts = this.transactions.execute((status) -> this.jdbc.batchUpdate(FINISH_ONE, outcomes,
				outcomes.size(), (statement, outcome) -> bindOutcome(statement, outcome, now)));
		boolean[] applied = new boolean[outcomes.size()];
		int index = 0;
		for (int[] batch : counts) {
			for (int count : batch) {
				applied[index++] = count != 0;
			}
		}
		return applied;
	}

	/**
	 * Applies one attempt's outcome in the caller's transaction (a transactional
	 * handler's), only if the job still runs that attempt.
	 * @return whether it applied; when not, the caller rolls its transaction back
	 * @throws IllegalStateException when no transaction on Jetway's DataSource is active
	 * (the outcome would commit on its own, apart from the handler's work)
	 */
	boolean finishInCurrentTransaction(AttemptOutcome outcome, Instant now) {
		if (this.jdbc.getDataSource() == null
				|| TransactionSynchronizationManager.getResource(this.jdbc.getDataSource()) == null) {
			throw new IllegalStateException("A transactional job handler runs without a transaction on Jetway's "
					+ "DataSource: the application's transaction manager manages another resource. Give Jetway "
					+ "the DataSource your transaction manager uses, or drop transactional = true");
		}
		return this.jdbc.update(FINISH_ONE, (statement) -> bindOutcome(statement, outcome, now)) == 1;
	}

	private void bindOutcome(PreparedStatement statement, AttemptOutcome outcome, Instant now) throws SQLException {
		boolean ended = outcome.state().isFinal();
		statement.setString(1, outcome.state().columnValue());
		statement.setString(2, outcome.result());
		statement.setString(3, truncate(outcome.error()));
		this.databaseType.setInstant(statement, 4, ended ? now : null);
		this.databaseType.setInstant(statement, 5, outcome.retryAt());
		this.databaseType.setInstant(statement, 6, now);
		statement.setBoolean(7, outcome.state() == JobState.COMPLETED);
		statement.setBoolean(8, ended);
		statement.setBoolean(9, ended);
		this.databaseType.setInstant(statement, 10, now);
		this.databaseType.setUuid(statement, 11, outcome.id());
		statement.setInt(12, outcome.attempt());
	}

	/**
	 * PostgreSQL: all outcomes in one statement; the rows it returns are those that
	 * applied.
	 */
	private boolean[] finishAll(List<AttemptOutcome> outcomes, Instant now) {
		Set<AppliedOutcome> applied = new HashSet<>(
				KeyedBatchStatements.run(this.jdbc, false, POSTGRESQL_FINISH_ALL, (statement) -> {
					this.databaseType.setInstant(statement, 1, now);
					PostgresArrays.bind(statement, outcomes)
						.at(2)
						.uuids(AttemptOutcome::id)
						.ints(AttemptOutcome::attempt)
						.texts((outcome) -> outcome.state().columnValue())
						.texts(AttemptOutcome::result)
						.texts((outcome) -> truncate(outcome.error()))
						.instants(AttemptOutcome::retryAt)
						.booleans((outcome) -> outcome.state().isFinal());
				}, (rows, rowNum) -> new AppliedOutcome(this.databaseType.getUuid(rows, "id"),
						rows.getInt("attempts"))));
		boolean[] result = new boolean[outcomes.size()];
		for (int i = 0; i < result.length; i++) {
			AttemptOutcome outcome = outcomes.get(i);
			result[i] = applied.contains(new AppliedOutcome(outcome.id(), outcome.attempt()));
		}
		return result;
	}

	private record AppliedOutcome(UUID id, int attempt) {
	}

	/**
	 * Un-claims jobs whose attempt is handed back without its handler having run (or with
	 * its outcome not stored): each goes back to {@code pending}, due now, with the
	 * attempt the claim counted taken back, so the redelivery of its message claims it as
	 * a fresh attempt of the same number instead of a take-over. Fenced: only a job that
	 * still runs that attempt changes. One statement (PostgreSQL) or one JDBC batch, in a
	 * transaction of its own.
	 * @param attempts the jobs, each with the attempt to take back
	 */
	void unclaim(List<Attempt> attempts, Instant now) {
		if (attempts.isEmpty()) {
			return;
		}
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			KeyedBatchStatements.update(this.jdbc, false, POSTGRESQL_UNCLAIM_ALL, (statement) -> {
				this.databaseType.setInstant(statement, 1, now);
				PostgresArrays.bind(statement, attempts).at(2).uuids(Attempt::id).ints(Attempt::attempt);
			});
			return;
		}
		this.ownTransactions.executeWithoutResult(
				(status) -> this.jdbc.batchUpdate(UNCLAIM_ONE, attempts, attempts.size(), (statement, attempt) -> {
					this.databaseType.setInstant(statement, 1, now);
					this.databaseType.setInstant(statement, 2, now);
					this.databaseType.setUuid(statement, 3, attempt.id());
					statement.setInt(4, attempt.attempt());
				}));
	}

	/** One job's attempt. */
	record Attempt(UUID id, int attempt) {
	}

	boolean cancel(UUID id, Instant now) {
		return updateStamped("UPDATE jetway_jobs SET status = 'cancelled', completed_at = ?, updated_at = ? "
				+ "WHERE id = ? AND status IN ('scheduled', 'pending')", id, now);
	}

	boolean resetFailed(UUID id, Instant now) {
		return updateStamped(
				"UPDATE jetway_jobs SET status = 'pending', attempts = 0, error = NULL, "
						+ "completed_at = NULL, run_at = ?, updated_at = ? WHERE id = ? AND status = 'failed'",
				id, now);
	}

	boolean runScheduledNow(UUID id, Instant now) {
		return updateStamped("UPDATE jetway_jobs SET status = 'pending', run_at = ?, updated_at = ? "
				+ "WHERE id = ? AND status = 'scheduled'", id, now);
	}

	/**
	 * Runs a conditional update of one job whose parameters are two times (both
	 * {@code now}) and the id.
	 * @return whether it changed the job
	 */
	private boolean updateStamped(String sql, UUID id, Instant now) {
		return this.jdbc.update(sql, (statement) -> {
			this.databaseType.setInstant(statement, 1, now);
			this.databaseType.setInstant(statement, 2, now);
			this.databaseType.setUuid(statement, 3, id);
		}) == 1;
	}

	void updateProgress(UUID id, int attempt, double fraction, String message, Instant now) {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			// a transactional handler's: committed at once, so that the job's row is not
			// locked until the handler's transaction ends
			this.ownTransactions.executeWithoutResult((status) -> writeProgress(id, attempt, fraction, message, now));
		}
		else {
			writeProgress(id, attempt, fraction, message, now);
		}
	}

	private void writeProgress(UUID id, int attempt, double fraction, String message, Instant now) {
		this.jdbc.update("UPDATE jetway_jobs SET progress_percent = ?, progress_message = ?, updated_at = ? "
				+ "WHERE id = ? AND attempts = ? AND status = 'running'", (statement) -> {
					statement.setDouble(1, fraction);
					statement.setString(2, truncate(message, 1000));
					this.databaseType.setInstant(statement, 3, now);
					this.databaseType.setUuid(statement, 4, id);
					statement.setInt(5, attempt);
				});
	}

	Map<JobState, Long> countByState() {
		Map<JobState, Long> counts = new LinkedHashMap<>();
		this.jdbc.query("SELECT status, COUNT(*) AS jobs FROM jetway_jobs GROUP BY status", (ResultSet rows) -> {
			counts.put(JobState.fromColumn(rows.getString("status")), rows.getLong("jobs"));
		});
		return counts;
	}

	/**
	 * @return how many jobs each queue holds, by state
	 */
	Map<String, Map<JobState, Long>> countByQueueAndState() {
		Map<String, Map<JobState, Long>> counts = new LinkedHashMap<>();
		this.jdbc.query("SELECT queue, status, COUNT(*) AS jobs FROM jetway_jobs GROUP BY queue, status",
				(ResultSet rows) -> {
					counts.computeIfAbsent(rows.getString("queue"), (queue) -> new EnumMap<>(JobState.class))
						.put(JobState.fromColumn(rows.getString("status")), rows.getLong("jobs"));
				});
		return counts;
	}

	void setPaused(String queue, boolean paused, Instant now) {
		int updated = this.jdbc.update("UPDATE jetway_job_queues SET paused = ?, updated_at = ? WHERE queue = ?",
				(statement) -> {
					statement.setBoolean(1, paused);
					this.databaseType.setInstant(statement, 2, now);
					statement.setString(3, queue);
				});
		if (updated == 0) {
			try {
				this.jdbc.update("INSERT INTO jetway_job_queues (queue, paused, updated_at) VALUES (?, ?, ?)",
						(statement) -> {
							statement.setString(1, queue);
							statement.setBoolean(2, paused);
							this.databaseType.setInstant(statement, 3, now);
						});
			}
			catch (DuplicateKeyException ex) {
				setPaused(queue, paused, now);
			}
		}
	}

	Set<String> pausedQueues() {
		return new HashSet<>(
				this.jdbc.queryForList("SELECT queue FROM jetway_job_queues WHERE paused = ?", String.class, true));
	}

	/**
	 * Creates the schedule's row when it has none.
	 */
	void ensureSchedule(String name, Instant nextFireAt) {
		Integer exists = this.jdbc.queryForObject("SELECT COUNT(*) FROM jetway_job_schedules WHERE name = ?",
				Integer.class, name);
		if (exists != null && exists > 0) {
			return;
		}
		try {
			this.jdbc.update("INSERT INTO jetway_job_schedules (name, next_fire_at) VALUES (?, ?)", (statement) -> {
				statement.setString(1, name);
				this.databaseType.setInstant(statement, 2, nextFireAt);
			});
		}
		catch (DuplicateKeyException ex) {
			// another instance created it
		}
	}

	/**
	 * Locks the schedules that are due, skipping those another instance holds.
	 * @return name and due time of each
	 */
	Map<String, Instant> claimDueSchedules(Instant now) {
		Map<String, Instant> due = new LinkedHashMap<>();
		this.jdbc.query(
				"SELECT name, next_fire_at FROM jetway_job_schedules WHERE next_fire_at <= ? ORDER BY name "
						+ this.databaseType.forUpdateSkipLocked(),
				(statement) -> this.databaseType.setInstant(statement, 1, now), (ResultSet rows) -> {
					due.put(rows.getString("name"), this.databaseType.getInstant(rows, "next_fire_at"));
				});
		return due;
	}

	void scheduleFired(String name, Instant firedTick, Instant nextFireAt) {
		this.jdbc.update("UPDATE jetway_job_schedules SET last_fire_at = ?, next_fire_at = ? WHERE name = ?",
				(statement) -> {
					this.databaseType.setInstant(statement, 1, firedTick);
					this.databaseType.setInstant(statement, 2, nextFireAt);
					statement.setString(3, name);
				});
	}

	/**
	 * @return the W3C trace context stored when the job was enqueued, if any
	 */
	@Nullable String traceparent(UUID id) {
		List<String> found = this.jdbc.query("SELECT traceparent FROM jetway_jobs WHERE id = ?",
				(statement) -> this.databaseType.setUuid(statement, 1, id), (rows, rowNum) -> rows.getString(1));
		return found.isEmpty() ? null : found.get(0);
	}

	List<UUID> dueWebhooks(Instant now, int limit) {
		return this.jdbc.query("SELECT id FROM jetway_jobs WHERE webhook_status = 'pending' AND webhook_next_at <= ? "
				+ "ORDER BY webhook_next_at LIMIT ?", (statement) -> {
					this.databaseType.setInstant(statement, 1, now);
					statement.setInt(2, limit);
				}, (rows, rowNum) -> this.databaseType.getUuid(rows, "id"));
	}

	/**
	 * Takes a due webhook delivery until {@code until}, unless another instance holds it.
	 * The lease's end is its fencing token: a delivery can be leased again only once
	 * {@code now} passed it, so every later lease ends later, and {@link #recordWebhook}
	 * applies only while the delivery is still leased with it.
	 * @param until the lease's end, in microseconds (what every database stores)
	 */
	boolean leaseWebhook(UUID id, Instant now, Instant until) {
		return this.jdbc.update("UPDATE jetway_jobs SET webhook_next_at = ? WHERE id = ? AND "
				+ "webhook_status = 'pending' AND webhook_next_at <= ?", (statement) -> {
					this.databaseType.setInstant(statement, 1, until);
					this.databaseType.setUuid(statement, 2, id);
					this.databaseType.setInstant(statement, 3, now);
				}) == 1;
	}

	/**
	 * Records a webhook delivery attempt made under the lease that ends at {@code lease}.
	 * @return whether it applied: {@code false} when the lease had expired and another
	 * instance took the delivery over
	 */
	boolean recordWebhook(UUID id, Instant lease, String status, int attempts, @Nullable String error,
			@Nullable Instant nextAt) {
		return this.jdbc.update("UPDATE jetway_jobs SET webhook_status = ?, webhook_attempts = ?, "
				+ "webhook_last_error = ?, webhook_next_at = ? WHERE id = ? AND webhook_status = 'pending' "
				+ "AND webhook_next_at = ?", (statement) -> {
					statement.setString(1, status);
					statement.setInt(2, attempts);
					statement.setString(3, truncate(error));
					this.databaseType.setInstant(statement, 4, nextAt);
					this.databaseType.setUuid(statement, 5, id);
					this.databaseType.setInstant(statement, 6, lease);
				}) == 1;
	}

	private void bindIds(PreparedStatement statement, int first, Collection<UUID> ids) throws SQLException {
		int index = first;
		for (UUID id : ids) {
			this.databaseType.setUuid(statement, index++, id);
		}
	}

	private JobStatus status(ResultSet rows) throws SQLException {
		double progress = rows.getDouble("progress_percent");
		Double progressValue = rows.wasNull() ? null : progress;
		return new JobStatus(this.databaseType.getUuid(rows, "id"), rows.getString("type"), rows.getString("queue"),
				JobState.fromColumn(rows.getString("status")), rows.getInt("attempts"), rows.getInt("max_attempts"),
				rows.getString("payload"), rows.getString("result"), rows.getString("error"), progressValue,
				rows.getString("progress_message"), this.databaseType.getInstant(rows, "created_at"),
				this.databaseType.getInstant(rows, "run_at"), this.databaseType.getInstant(rows, "started_at"),
				this.databaseType.getInstant(rows, "completed_at"), rows.getString("webhook_url"),
				rows.getString("webhook_status"), rows.getInt("webhook_attempts"), rows.getString("webhook_last_error"),
				rows.getString("meta"));
	}

	private static @Nullable String truncate(@Nullable String text) {
		return truncate(text, 4000);
	}

	private static @Nullable String truncate(@Nullable String text, int max) {
		return (text != null && text.length() > max) ? text.substring(0, max) : text;
	}

	/**
	 * A job to insert.
	 *
	 * @param direct whether {@link JobDispatcher} publishes its message after the commit
	 * (PostgreSQL: the row records its enqueuing transaction for
	 * {@link JobDispatchRecovery}); otherwise the message goes through the outbox
	 * @param traceparent the W3C trace context of the enqueuing code, if it was traced
	 * @param meta the job's metadata, a JSON object, if any
	 */
	record NewJob(UUID id, String type, String queue, JobState state, int maxAttempts, String payload,
			@Nullable String idempotencyKey, @Nullable String webhookUrl, Instant createdAt, Instant runAt,
			boolean direct, @Nullable String traceparent, @Nullable String meta) {

		/**
		 * A job enqueued outside any trace.
		 */
		NewJob(UUID id, String type, String queue, JobState state, int maxAttempts, String payload,
				@Nullable String idempotencyKey, @Nullable String webhookUrl, Instant createdAt, Instant runAt,
				boolean direct) {
			this(id, type, queue, state, maxAttempts, payload, idempotencyKey, webhookUrl, createdAt, runAt, direct,
					null, null);
		}

	}

	/**
	 * A job as a claim left it.
	 *
	 * @param claimed whether the claim marked it running for this worker (attempt
	 * {@code attempt})
	 * @param claimSeq the stream sequence of the message that claimed its current
	 * attempt, if any
	 * @param runAt when it is due
	 * @param abandoned whether the claim failed the job: it was a take-over of an
	 * abandoned attempt with max-attempts reached
	 * @param traceparent the W3C trace context stored when the job was enqueued, if any
	 * @param meta the job's metadata, a JSON object, if any
	 */
	record ClaimedJob(UUID id, String type, String queue, JobState state, int attempt, int maxAttempts, String payload,
			boolean claimed, @Nullable Long claimSeq, @Nullable Instant runAt, boolean abandoned,
			@Nullable String traceparent, @Nullable String meta) {
	}

	/**
	 * How an attempt ended.
	 *
	 * @param id the job
	 * @param attempt the attempt it applies to
	 * @param state completed, failed, or pending for a retry
	 * @param result the result JSON, for completed
	 * @param error the failure, for failed and retries
	 * @param retryAt when the retry is due, for pending
	 */
	record AttemptOutcome(UUID id, int attempt, JobState state, @Nullable String result, @Nullable String error,
			@Nullable Instant retryAt) {
	}

}
