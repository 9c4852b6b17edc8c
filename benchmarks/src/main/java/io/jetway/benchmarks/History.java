package io.jetway.benchmarks;

import java.io.PrintStream;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * The history of an application that has run for a while ({@code --history=N}): N rows
 * written into a Jetway table of a fresh PostgreSQL database before Jetway starts, with
 * one server-side {@code INSERT ... SELECT generate_series} (the table's indexes are
 * dropped for the insert and built again after it, then the table is vacuumed and
 * analysed, as autovacuum would have done). The oldest slice of the rows is just past the
 * retention the benchmark configures, so the first cleanup has a backlog to delete at the
 * table's full size.
 */
final class History {

	static final String SCHEMA = "io/jetway/jdbc/schema-postgresql.sql";

	/**
	 * Finished jobs of the benchmark's queue and type over the last 31 days, one in
	 * 100,000 failed and one in 100,000 cancelled, the rest completed (with the
	 * benchmark's retention of 30 days the oldest 31st is past its age).
	 */
	private static final String JOBS = "INSERT INTO jetway_jobs (id, type, queue, status, attempts, max_attempts, "
			+ "payload, error, created_at, run_at, started_at, completed_at, updated_at) "
			+ "SELECT gen_random_uuid(), 'noop', 'default', s.status, 1, 3, '{\"seq\":' || -g || '}', "
			+ "CASE WHEN s.status = 'failed' THEN 'java.lang.IllegalStateException: history' END, "
			+ "t.c, t.c, t.c + interval '5 milliseconds', t.c + interval '10 milliseconds', "
			+ "t.c + interval '10 milliseconds' FROM generate_series(1, %1$d) g "
			+ "CROSS JOIN LATERAL (SELECT now() - interval '31 days' * (1 - g::float8 / %1$d) AS c) t "
			+ "CROSS JOIN LATERAL (SELECT CASE WHEN g %% 100000 = 0 THEN 'failed' "
			+ "WHEN g %% 100000 = 50000 THEN 'cancelled' ELSE 'completed' END AS status) s";

	/** Jobs retention the jobs benchmark runs with when it has history. */
	static final String JOBS_RETENTION = "30d";

	/**
	 * Processed inbox rows of one consumer over the last 174 hours (7.25 days: with the
	 * default retention of 7 days the oldest 29th is past it), with random message ids
	 * (UUIDs, as {@code Nats-Msg-Id}s are).
	 */
	private static final String INBOX = "INSERT INTO jetway_inbox (consumer, message_id, subject, stream, stream_seq, "
			+ "status, deliveries, received_at, processed_at) SELECT '%2$s', gen_random_uuid()::text, "
			+ "'bench.history', 'HISTORY', g, 'processed', 1, t.c, t.c + interval '2 milliseconds' "
			+ "FROM generate_series(1, %1$d) g "
			+ "CROSS JOIN LATERAL (SELECT now() - interval '174 hours' * (1 - g::float8 / %1$d) AS c) t";

	/**
	 * Sent outbox rows ({@code completion-mode=update}, the default) over the last 174
	 * hours, each with a payload of the benchmark's size.
	 */
	private static final String OUTBOX = "INSERT INTO jetway_outbox (id, subject, payload, headers, status, attempts, "
			+ "created_at, available_at, sent_at, stream, stream_seq) SELECT gen_random_uuid(), 'bench.history', "
			+ "convert_to(repeat('x', %2$d), 'UTF8'), '{}', 'sent', 1, t.c, t.c, t.c + interval '5 milliseconds', "
			+ "'HISTORY', g FROM generate_series(1, %1$d) g "
			+ "CROSS JOIN LATERAL (SELECT now() - interval '174 hours' * (1 - g::float8 / %1$d) AS c) t";

	private static final PrintStream out = System.out;

	private History() {
	}

	static void jobs(DataSource dataSource, long rows) {
		fill(dataSource, "jetway_jobs", rows, String.format(Locale.ROOT, JOBS, rows));
	}

	static void inbox(DataSource dataSource, String consumer, long rows) {
		fill(dataSource, "jetway_inbox", rows, String.format(Locale.ROOT, INBOX, rows, consumer));
	}

	static void outbox(DataSource dataSource, long rows, int payloadBytes) {
		fill(dataSource, "jetway_outbox", rows, String.format(Locale.ROOT, OUTBOX, rows, payloadBytes));
	}

	/**
	 * Creates Jetway's schema and fills the table with the rows of {@code insert}.
	 */
	private static void fill(DataSource dataSource, String table, long rows, String insert) {
		new ResourceDatabasePopulator(new ClassPathResource(SCHEMA)).execute(dataSource);
		if (rows == 0) {
			return;
		}
		long start = System.nanoTime();
		try (Connection connection = dataSource.getConnection()) {
			connection.setAutoCommit(true);
			JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
			jdbc.execute("SET maintenance_work_mem = '1GB'");
			List<Map<String, Object>> indexes = jdbc
				.queryForList("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ?", table);
			String primaryKey = table + "_pkey";
			jdbc.execute("ALTER TABLE " + table + " DROP CONSTRAINT " + primaryKey);
			for (Map<String, Object> index : indexes) {
				if (!primaryKey.equals(index.get("indexname"))) {
					jdbc.execute("DROP INDEX " + index.get("indexname"));
				}
			}
			jdbc.execute(insert);
			for (Map<String, Object> index : indexes) {
				jdbc.execute((String) index.get("indexdef"));
			}
			jdbc.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + primaryKey + " PRIMARY KEY USING INDEX "
					+ primaryKey);
			jdbc.execute("VACUUM (ANALYZE) " + table);
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException("could not fill " + table + " with " + rows + " rows of history", ex);
		}
		out.printf(Locale.ROOT, "  history: %,d rows written into %s in %.0f s; %s%n", rows, table,
				(System.nanoTime() - start) / 1e9, sizes(dataSource, table));
	}

	/**
	 * @return the table's rows (as estimated by its last analysis) and sizes
	 */
	static String sizes(DataSource dataSource, String table) {
		Map<String, Object> sizes = new JdbcTemplate(dataSource)
			.queryForMap("SELECT c.reltuples::int8 AS estimated_rows, pg_total_relation_size(c.oid) AS total, "
					+ "pg_relation_size(c.oid) AS heap, pg_indexes_size(c.oid) AS indexes "
					+ "FROM pg_class c WHERE c.oid = ?::regclass", table);
		return String.format(Locale.ROOT, "%s: %,d rows (estimated), %s in all, heap %s, indexes %s", table,
				Math.max(0, ((Number) sizes.get("estimated_rows")).longValue()), megabytes(sizes.get("total")),
				megabytes(sizes.get("heap")), megabytes(sizes.get("indexes")));
	}

	/**
	 * Times a cleanup that deletes rows.
	 * @param what what is deleted, for the output
	 * @param cleanUp runs the cleanup and returns how many rows it deleted
	 */
	static String cleanupRate(String what, LongSupplier cleanUp) {
		long start = System.nanoTime();
		long deleted = cleanUp.getAsLong();
		double seconds = (System.nanoTime() - start) / 1e9;
		return String.format(Locale.ROOT, "%s: %,d rows deleted in %.1f s, %,.0f rows/s", what, deleted, seconds,
				deleted / seconds);
	}

	private static String megabytes(Object bytes) {
		return String.format(Locale.ROOT, "%,.0f MB", ((Number) bytes).longValue() / 1048576.0);
	}

}
