package io.jetway.outbox;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.jetway.jdbc.DatabaseType;
import io.jetway.jdbc.KeyedBatchStatements;
import io.jetway.jdbc.PostgresArrays;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * JDBC access to {@code jetway_outbox}. Every statement runs on the connection of the
 * current Spring transaction, so the caller's inserts commit or roll back with its own
 * work; multi-row work is batched.
 */
public class OutboxRepository {

	private static final String COLUMNS = "id, subject, payload, headers, attempts, created_at";

	/** Locks rows by primary key only (one {@code uuid[]} parameter). */
	static final String POSTGRESQL_LOCK_PENDING = "SELECT id, status FROM jetway_outbox WHERE id = ANY(?) "
			+ "ORDER BY id FOR UPDATE SKIP LOCKED";

	/** Inserts a batch of pending rows in one statement, one array per column. */
	static final String POSTGRESQL_INSERT = "INSERT INTO jetway_outbox (id, subject, payload, headers, status, "
			+ "attempts, created_at, available_at) SELECT r.id, r.subject, r.payload, r.headers, 'pending', 0, "
			+ "r.created_at, r.available_at FROM unnest(?::uuid[], ?::text[], ?::bytea[], ?::text[], "
			+ "?::timestamptz[], ?::timestamptz[]) AS r(id, subject, payload, headers, created_at, available_at)";

	/**
	 * The retention's delete: a batch of sent rows found by the partial index
	 * {@code jetway_outbox_sent_idx}, deleted by primary key. An array, not
	 * {@code id IN (SELECT ...)}: with the generic plan that is cached after five runs
	 * (the limit unknown, estimated as a tenth of the rows past the retention) the
	 * {@code IN} became a hash join over a sequential scan of the whole table for every
	 * batch ({@code OutboxHistoryQueryPlanTests}).
	 */
	static final String POSTGRESQL_DELETE_SENT = "DELETE FROM jetway_outbox WHERE id = ANY(ARRAY(SELECT id FROM "
			+ "jetway_outbox WHERE status = 'sent' AND sent_at < ? LIMIT ?))";

	/**
	 * Marks a batch sent in one statement (sent at, then arrays of ids, streams,
	 * sequences).
	 */
	static final String POSTGRESQL_MARK_SENT = "UPDATE jetway_outbox o SET status = 'sent', "
			+ "attempts = o.attempts + 1, last_error = NULL, sent_at = ?, stream = r.stream, stream_seq = r.seq "
			+ "FROM unnest(?::uuid[], ?::text[], ?::int8[]) AS r(id, stream, seq) WHERE o.id = r.id";

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	private final HeadersCodec headersCodec;

	OutboxRepository(JdbcTemplate jdbc, DatabaseType databaseType, HeadersCodec headersCodec) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
		this.headersCodec = headersCodec;
	}

	/**
	 * Inserts pending rows in one batch.
	 * @param rows the rows with the time from which the recovery poller may take each
	 */
	void insert(List<PendingRow> rows) {
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			this.jdbc.update(POSTGRESQL_INSERT,
					(statement) -> PostgresArrays.bind(statement, rows)
						.uuids((row) -> row.record().id())
						.texts((row) -> row.record().subject())
						.bytes((row) -> row.record().payload())
						.texts((row) -> this.headersCodec.encode(row.record().headers()))
						.instants((row) -> row.record().createdAt())
						.instants(PendingRow::availableAt));
			return;
		}
		this.jdbc.batchUpdate(
				"INSERT INTO jetway_outbox (id, subject, payload, headers, status, attempts, created_at, available_at) "
						+ "VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
				rows, rows.size(), (statement, row) -> {
					OutboxRecord record = row.record();
					this.databaseType.setUuid(statement, 1, record.id());
					statement.setString(2, record.subject());
					statement.setBytes(3, record.payload());
					statement.setString(4, this.headersCodec.encode(record.headers()));
					this.databaseType.setInstant(statement, 5, record.createdAt());
					this.databaseType.setInstant(statement, 6, row.availableAt());
				});
	}

	/**
	 * Locks those of the given rows that are still pending and not locked by another
	 * transaction.
	 * @param ids the row ids
	 * @return the ids this transaction now holds
	 */
	Set<UUID> lockPending(Collection<UUID> ids) {
		if (ids.isEmpty()) {
			return Collections.emptySet();
		}
		// by primary key only: a status predicate lets PostgreSQL pick the partial
		// pending
		// index and scan the whole backlog for every batch
		Set<UUID> locked = new HashSet<>();
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			this.jdbc.query(POSTGRESQL_LOCK_PENDING,
					(statement) -> statement.setArray(1,
							statement.getConnection().createArrayOf("uuid", ids.toArray())),
					(ResultSet rows) -> collectPending(rows, locked));
			return locked;
		}
		String placeholders = String.join(", ", Collections.nCopies(ids.size(), "?"));
		this.jdbc.query("SELECT id, status FROM jetway_outbox WHERE id IN (" + placeholders + ") ORDER BY id "
				+ this.databaseType.forUpdateSkipLocked(), (statement) -> {
					int index = 1;
					for (UUID id : ids) {
						this.databaseType.setUuid(statement, index++, id);
					}
				}, (ResultSet rows) -> collectPending(rows, locked));
		return locked;
	}

	private void collectPending(ResultSet rows, Set<UUID> locked) throws SQLException {
		if ("pending".equals(rows.getString("status"))) {
			locked.add(this.databaseType.getUuid(rows, "id"));
		}
	}

	/**
	 * Claims pending rows that are due, oldest first, skipping rows other instances hold.
	 * @param now the current time
	 * @param limit the most rows to claim
	 * @return the claimed rows, locked until the transaction ends
	 */
	static String claimDueStatement(DatabaseType databaseType) {
		return "SELECT " + COLUMNS + " FROM jetway_outbox WHERE status = 'pending' AND available_at <= ? "
				+ "ORDER BY available_at, id LIMIT ? " + databaseType.forUpdateSkipLocked();
	}

	List<OutboxRecord> claimDue(Instant now, int limit) {
		return this.jdbc.query(claimDueStatement(this.databaseType), (statement) -> {
			this.databaseType.setInstant(statement, 1, now);
			statement.setInt(2, limit);
		}, (rows, rowNum) -> record(rows));
	}

	/**
	 * Marks rows sent, in the relay's transaction. On PostgreSQL its commit does not wait
	 * for the WAL flush: a "sent" lost in a database crash only means the row is
	 * published again with the same {@code Nats-Msg-Id}, which the stream drops as a
	 * duplicate within its duplicate window. The same holds for {@link #delete}.
	 */
	void markSent(List<SentRow> rows, Instant sentAt) {
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			KeyedBatchStatements.update(this.jdbc, true, POSTGRESQL_MARK_SENT, (statement) -> {
				this.databaseType.setInstant(statement, 1, sentAt);
				PostgresArrays.bind(statement, rows)
					.at(2)
					.uuids(SentRow::id)
					.texts(SentRow::stream)
					.longs(SentRow::sequence);
			});
			return;
		}
		this.jdbc.batchUpdate(
				"UPDATE jetway_outbox SET status = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = ?, "
						+ "stream = ?, stream_seq = ? WHERE id = ?",
				rows, rows.size(), (statement, row) -> {
					this.databaseType.setInstant(statement, 1, sentAt);
					statement.setString(2, row.stream());
					statement.setLong(3, row.sequence());
					this.databaseType.setUuid(statement, 4, row.id());
				});
	}

	void delete(List<UUID> ids) {
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			KeyedBatchStatements.update(this.jdbc, true, "DELETE FROM jetway_outbox WHERE id = ANY(?)",
					(statement) -> PostgresArrays.bind(statement, ids).uuids((id) -> id));
			return;
		}
		this.jdbc.batchUpdate("DELETE FROM jetway_outbox WHERE id = ?", ids, ids.size(),
				(statement, id) -> this.databaseType.setUuid(statement, 1, id));
	}

	void recordFailures(List<FailedAttempt> failures) {
		this.jdbc.batchUpdate(
				"UPDATE jetway_outbox SET status = ?, attempts = ?, last_error = ?, available_at = ? WHERE id = ?",
				failures, failures.size(), (statement, failure) -> {
					statement.setString(1, failure.status().columnValue());
					statement.setInt(2, failure.attempts());
					statement.setString(3, truncate(failure.error()));
					this.databaseType.setInstant(statement, 4, failure.retryAt());
					this.databaseType.setUuid(statement, 5, failure.id());
				});
	}

	/**
	 * Deletes up to {@code limit} sent rows older than {@code sentBefore}.
	 * @return the number of rows deleted
	 */
	int deleteSentBefore(Instant sentBefore, int limit) {
		String sql = switch (this.databaseType) {
			case POSTGRESQL -> POSTGRESQL_DELETE_SENT;
			case MYSQL -> "DELETE FROM jetway_outbox WHERE status = 'sent' AND sent_at < ? LIMIT ?";
			case H2 -> "DELETE FROM jetway_outbox WHERE status = 'sent' AND sent_at < ? FETCH FIRST ? ROWS ONLY";
		};
		return this.jdbc.update(sql, (statement) -> {
			this.databaseType.setInstant(statement, 1, sentBefore);
			statement.setInt(2, limit);
		});
	}

	PendingStatistics pendingStatistics() {
		return this.jdbc.query("SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM jetway_outbox "
				+ "WHERE status = 'pending'", (ResultSet rows) -> {
					rows.next();
					return new PendingStatistics(rows.getLong("pending"), this.databaseType.getInstant(rows, "oldest"));
				});
	}

	List<OutboxEntry> findByStatus(OutboxStatus status, int limit) {
		return this.jdbc.query(
				"SELECT id, subject, status, attempts, last_error, created_at, sent_at, stream, "
						+ "stream_seq FROM jetway_outbox WHERE status = ? ORDER BY created_at, id LIMIT ?",
				(statement) -> {
					statement.setString(1, status.columnValue());
					statement.setInt(2, limit);
				}, (rows, rowNum) -> entry(rows));
	}

	@Nullable OutboxEntry findById(UUID id) {
		List<OutboxEntry> entries = this.jdbc.query(
				"SELECT id, subject, status, attempts, last_error, created_at, "
						+ "sent_at, stream, stream_seq FROM jetway_outbox WHERE id = ?",
				(statement) -> this.databaseType.setUuid(statement, 1, id), (rows, rowNum) -> entry(rows));
		return entries.isEmpty() ? null : entries.get(0);
	}

	/**
	 * Makes failed rows pending again, due at once.
	 * @return the number of rows changed
	 */
	int republishFailed(@Nullable UUID id, Instant now) {
		String sql = "UPDATE jetway_outbox SET status = 'pending', attempts = 0, last_error = NULL, available_at = ? "
				+ "WHERE status = 'failed'" + ((id != null) ? " AND id = ?" : "");
		return this.jdbc.update(sql, (PreparedStatement statement) -> {
			this.databaseType.setInstant(statement, 1, now);
			if (id != null) {
				this.databaseType.setUuid(statement, 2, id);
			}
		});
	}

	private OutboxRecord record(ResultSet rows) throws SQLException {
		return new OutboxRecord(this.databaseType.getUuid(rows, "id"), rows.getString("subject"),
				rows.getBytes("payload"), this.headersCodec.decode(rows.getString("headers")), rows.getInt("attempts"),
				this.databaseType.getInstant(rows, "created_at"));
	}

	private OutboxEntry entry(ResultSet rows) throws SQLException {
		long sequence = rows.getLong("stream_seq");
		return new OutboxEntry(this.databaseType.getUuid(rows, "id"), rows.getString("subject"),
				OutboxStatus.fromColumn(rows.getString("status")), rows.getInt("attempts"),
				rows.getString("last_error"), this.databaseType.getInstant(rows, "created_at"),
				this.databaseType.getInstant(rows, "sent_at"), rows.getString("stream"),
				rows.wasNull() ? null : sequence);
	}

	private static @Nullable String truncate(@Nullable String error) {
		return (error != null && error.length() > 4000) ? error.substring(0, 4000) : error;
	}

	/**
	 * A row to insert.
	 *
	 * @param record the row
	 * @param availableAt from when the recovery poller may publish it
	 */
	record PendingRow(OutboxRecord record, Instant availableAt) {
	}

	record SentRow(UUID id, String stream, long sequence) {
	}

	record FailedAttempt(UUID id, OutboxStatus status, int attempts, String error, Instant retryAt) {
	}

	record PendingStatistics(long count, @Nullable Instant oldestCreatedAt) {
	}

	static List<UUID> ids(Collection<OutboxRecord> records) {
		List<UUID> ids = new ArrayList<>(records.size());
		records.forEach((record) -> ids.add(record.id()));
		return ids;
	}

}
