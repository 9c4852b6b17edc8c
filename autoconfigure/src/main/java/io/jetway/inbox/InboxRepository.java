package io.jetway.inbox;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.jetway.consumer.EarlierDeliveries;
import io.jetway.jdbc.DatabaseType;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * JDBC access to {@code jetway_inbox}, keyed by (consumer, message id). Runs on the
 * connection of the current Spring transaction, so inbox rows commit with the handler's
 * own writes.
 */
public class InboxRepository {

	/** By the partial index {@code jetway_inbox_processed_idx}, the oldest first. */
	static final String POSTGRESQL_DELETE_PROCESSED = "DELETE FROM jetway_inbox WHERE ctid IN (SELECT ctid FROM "
			+ "jetway_inbox WHERE status = 'processed' AND processed_at < ? LIMIT ?)";

	/** By the partial index {@code jetway_inbox_failed_idx}: failed rows are few. */
	static final String POSTGRESQL_DELETE_FAILED = "DELETE FROM jetway_inbox WHERE ctid IN (SELECT ctid FROM "
			+ "jetway_inbox WHERE status = 'failed' AND received_at < ? LIMIT ?)";

	/** How long {@link #isReachable()} waits for the database's answer. */
	static final int PROBE_TIMEOUT_SECONDS = 2;

	private static final String INSERT = "INSERT INTO jetway_inbox (consumer, message_id, subject, stream, stream_seq, "
			+ "status, deliveries, last_error, received_at, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	/** One primary-key probe per id (the ids array first, then the consumer). */
	static final String POSTGRESQL_STATUSES = "SELECT m.id, i.status FROM unnest(?) AS m(id) CROSS JOIN LATERAL "
			+ "(SELECT status FROM jetway_inbox WHERE message_id = m.id AND consumer = ? OFFSET 0) i";

	private final JdbcTemplate jdbc;

	private final DatabaseType databaseType;

	public InboxRepository(JdbcTemplate jdbc, DatabaseType databaseType) {
		this.jdbc = jdbc;
		this.databaseType = databaseType;
	}

	/**
	 * Claims a delivery for processing in the current transaction, locking its row until
	 * the transaction ends so that a concurrent delivery of the same id waits. On
	 * PostgreSQL one upsert records the message as processed right away (rolled back with
	 * the transaction if its handler fails); elsewhere the row is read and locked, and
	 * {@link #complete} records it after the handler.
	 * @return the claim
	 */
	InboxClaim claim(InboxEntry entry, Instant now) {
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			int claimed = this.jdbc.update((connection) -> {
				PreparedStatement statement = connection.prepareStatement(INSERT
						+ " ON CONFLICT (message_id, consumer) "
						+ "DO UPDATE SET status = 'processed', deliveries = EXCLUDED.deliveries, last_error = NULL, "
						+ "processed_at = EXCLUDED.processed_at WHERE jetway_inbox.status <> 'processed'");
				bindInsert(statement, entry, "processed", null, now);
				return statement;
			});
			return (claimed == 0) ? InboxClaim.ALREADY_PROCESSED : InboxClaim.RECORDED;
		}
		List<String> statuses = this.jdbc.queryForList(
				"SELECT status FROM jetway_inbox WHERE message_id = ? AND consumer = ? FOR UPDATE", String.class,
				entry.messageId(), entry.consumer());
		if (statuses.isEmpty()) {
			return InboxClaim.NEW;
		}
		return "processed".equals(statuses.get(0)) ? InboxClaim.ALREADY_PROCESSED : InboxClaim.RETRIED;
	}

	/**
	 * Records a claimed message as processed after its handler succeeded, in the same
	 * transaction.
	 */
	void complete(InboxEntry entry, InboxClaim claim, Instant now) {
		switch (claim) {
			case NEW -> insertProcessed(List.of(entry), now);
			case RETRIED -> markProcessed(entry, now);
			case RECORDED, ALREADY_PROCESSED -> {
			}
		}
	}

	/**
	 * @return the status of each of {@code messageIds} that has a row
	 */
	Map<String, String> statusesOf(String consumer, Collection<String> messageIds) {
		if (messageIds.isEmpty()) {
			return Collections.emptyMap();
		}
		Map<String, String> statuses = new HashMap<>();
		RowCallbackHandler collect = (rows) -> statuses.put(rows.getString(1), rows.getString(2));
		if (this.databaseType == DatabaseType.POSTGRESQL) {
			// one primary-key probe per id, whatever the statistics say: an IN list on a
			// freshly filled table (not analyzed yet) is planned as a sequential scan
			this.jdbc.query((connection) -> {
				PreparedStatement statement = connection.prepareStatement(POSTGRESQL_STATUSES);
				statement.setArray(1, connection.createArrayOf("varchar", messageIds.toArray()));
				statement.setString(2, consumer);
				return statement;
			}, collect);
			return statuses;
		}
		String placeholders = String.join(", ", Collections.nCopies(messageIds.size(), "?"));
		Object[] arguments = new Object[messageIds.size() + 1];
		arguments[0] = consumer;
		int index = 1;
		for (String id : messageIds) {
			arguments[index++] = id;
		}
		this.jdbc.query("SELECT message_id, status FROM jetway_inbox WHERE consumer = ? AND message_id IN ("
				+ placeholders + ")", collect, arguments);
		return statuses;
	}

	/**
	 * @return what the inbox row of {@code entry} says of its earlier deliveries
	 */
	EarlierDeliveries earlierDeliveries(InboxEntry entry) {
		List<EarlierDeliveries> rows = this.jdbc.query(
				"SELECT status, last_error FROM jetway_inbox WHERE message_id = ? AND consumer = ?",
				(row, index) -> new EarlierDeliveries("processed".equals(row.getString(1)), row.getString(2)),
				entry.messageId(), entry.consumer());
		return rows.isEmpty() ? EarlierDeliveries.UNKNOWN : rows.get(0);
	}

	/**
	 * Records the message as processed, in the current transaction.
	 * @throws DuplicateKeyException when a concurrent transaction processed the same id
	 */
	void markProcessed(InboxEntry entry, Instant now) {
		int updated = this.jdbc.update((connection) -> {
			var statement = connection.prepareStatement("UPDATE jetway_inbox SET status = 'processed', "
					+ "deliveries = ?, last_error = NULL, processed_at = ? WHERE consumer = ? AND message_id = ?");
			statement.setLong(1, entry.deliveries());
			this.databaseType.setInstant(statement, 2, now);
			statement.setString(3, entry.consumer());
			statement.setString(4, entry.messageId());
			return statement;
		});
		if (updated == 0) {
			insert(List.of(entry), "processed", null, now);
		}
	}

	/**
	 * Inserts processed rows for messages known to have no row yet, in one batch.
	 * @throws DuplicateKeyException when a concurrent transaction processed one of them
	 */
	void insertProcessed(List<InboxEntry> entries, Instant now) {
		if (!entries.isEmpty()) {
			insert(entries, "processed", null, now);
		}
	}

	/**
	 * Records a failed attempt, unless the message was processed meanwhile.
	 */
	void recordFailure(InboxEntry entry, String error, Instant now) {
		String message = (error.length() > 4000) ? error.substring(0, 4000) : error;
		int updated = this.jdbc.update(
				"UPDATE jetway_inbox SET status = 'failed', deliveries = ?, last_error = ? "
						+ "WHERE consumer = ? AND message_id = ? AND status <> 'processed'",
				entry.deliveries(), message, entry.consumer(), entry.messageId());
		if (updated == 0) {
			try {
				insert(List.of(entry), "failed", message, now);
			}
			catch (DuplicateKeyException ex) {
				// processed or failed by another delivery meanwhile: its row says more
			}
		}
	}

	/**
	 * Deletes up to {@code limit} processed rows older than {@code before}.
	 */
	int deleteProcessedBefore(Instant before, int limit) {
		String sql = switch (this.databaseType) {
			case POSTGRESQL -> POSTGRESQL_DELETE_PROCESSED;
			case MYSQL -> "DELETE FROM jetway_inbox WHERE status = 'processed' AND processed_at < ? LIMIT ?";
			case H2 ->
				"DELETE FROM jetway_inbox WHERE status = 'processed' AND processed_at < ? FETCH FIRST ? ROWS ONLY";
		};
		return this.jdbc.update(sql, (statement) -> {
			this.databaseType.setInstant(statement, 1, before);
			statement.setInt(2, limit);
		});
	}

	/**
	 * Deletes up to {@code limit} failed rows (messages that failed and were
	 * dead-lettered, or are still being retried) first received before {@code before}. A
	 * failed row never marks a message as processed, so deleting it cannot let a
	 * duplicate through; it only forgets the delivery count and last error of earlier
	 * deliveries.
	 */
	int deleteFailedBefore(Instant before, int limit) {
		String sql = switch (this.databaseType) {
			case POSTGRESQL -> POSTGRESQL_DELETE_FAILED;
			case MYSQL -> "DELETE FROM jetway_inbox WHERE status = 'failed' AND received_at < ? LIMIT ?";
			case H2 -> "DELETE FROM jetway_inbox WHERE status = 'failed' AND received_at < ? FETCH FIRST ? ROWS ONLY";
		};
		return this.jdbc.update(sql, (statement) -> {
			this.databaseType.setInstant(statement, 1, before);
			statement.setInt(2, limit);
		});
	}

	/**
	 * Whether the database answers now, on a connection of its own. Bounded: the pool's
	 * connection timeout, then {@link java.sql.Connection#isValid(int)} with
	 * {@link #PROBE_TIMEOUT_SECONDS} (a plain query could wait forever on a database that
	 * stopped answering without closing its connections).
	 */
	boolean isReachable() {
		try {
			return Boolean.TRUE.equals(this.jdbc
				.execute((ConnectionCallback<Boolean>) (connection) -> connection.isValid(PROBE_TIMEOUT_SECONDS)));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private void insert(List<InboxEntry> entries, String status, @Nullable String error, Instant now) {
		this.jdbc.batchUpdate(INSERT, entries, entries.size(),
				(statement, entry) -> bindInsert(statement, entry, status, error, now));
	}

	private void bindInsert(PreparedStatement statement, InboxEntry entry, String status, @Nullable String error,
			Instant now) throws SQLException {
		statement.setString(1, entry.consumer());
		statement.setString(2, entry.messageId());
		statement.setString(3, entry.subject());
		statement.setString(4, entry.stream());
		statement.setLong(5, entry.streamSequence());
		statement.setString(6, status);
		statement.setLong(7, entry.deliveries());
		statement.setString(8, error);
		this.databaseType.setInstant(statement, 9, now);
		this.databaseType.setInstant(statement, 10, "processed".equals(status) ? now : null);
	}

	/** What {@link #claim} found. */
	enum InboxClaim {

		/** Processed before: acknowledge without calling the handler. */
		ALREADY_PROCESSED,

		/** Recorded as processed already; commits or rolls back with the handler. */
		RECORDED,

		/** No row yet: insert it after the handler. */
		NEW,

		/** A failed earlier delivery's row: update it after the handler. */
		RETRIED

	}

}
