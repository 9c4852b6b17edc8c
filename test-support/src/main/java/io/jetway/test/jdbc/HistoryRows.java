package io.jetway.test.jdbc;

import java.util.Locale;

/**
 * The history of a Jetway application that has run for a while, as one PostgreSQL
 * {@code INSERT ... SELECT generate_series} per table (for {@link BulkFill}): the rows
 * are spread evenly over their period, oldest first, and the oldest slice is just past
 * the retention (jobs: 30 days; inbox and outbox: the default 7 days), so a cleanup has a
 * backlog to delete at the table's full size.
 */
public final class HistoryRows {

	/**
	 * Finished jobs over the last 31 days, one in 100,000 failed (with an error, as every
	 * failed job has) and one in 100,000 cancelled, the rest completed.
	 */
	private static final String JOBS = "INSERT INTO jetway_jobs (id, type, queue, status, attempts, max_attempts, "
			+ "payload, error, created_at, run_at, started_at, completed_at, updated_at) "
			+ "SELECT gen_random_uuid(), '%3$s', '%2$s', s.status, 1, 3, '{\"seq\":' || -g || '}', "
			+ "CASE WHEN s.status = 'failed' THEN 'java.lang.IllegalStateException: history' END, "
			+ "t.c, t.c, t.c + interval '5 milliseconds', t.c + interval '10 milliseconds', "
			+ "t.c + interval '10 milliseconds' FROM generate_series(1, %1$d) g "
			+ "CROSS JOIN LATERAL (SELECT now() - interval '31 days' * (1 - g::float8 / %1$d) AS c) t "
			+ "CROSS JOIN LATERAL (SELECT CASE WHEN g %% 100000 = 0 THEN 'failed' "
			+ "WHEN g %% 100000 = 50000 THEN 'cancelled' ELSE 'completed' END AS status) s";

	/**
	 * Processed inbox rows of one consumer over the last 174 hours (7.25 days), with the
	 * message ids Jetway's publishers give ({@code Nats-Msg-Id} = a UUID version 7 made
	 * when the message was published: its first 48 bits are the time in milliseconds, the
	 * rest random), so the ids of the history sort before those of new messages, as they
	 * do in an application whose producers publish through Jetway.
	 */
	private static final String INBOX = "INSERT INTO jetway_inbox (consumer, message_id, subject, stream, stream_seq, "
			+ "status, deliveries, received_at, processed_at) SELECT '%2$s', "
			+ "substr(u.ms, 1, 8) || '-' || substr(u.ms, 9, 4) || '-7' || substr(u.r, 16, 3) || substr(u.r, 19), "
			+ "'bench.history', 'HISTORY', g, 'processed', 1, t.c, t.c + interval '2 milliseconds' "
			+ "FROM generate_series(1, %1$d) g "
			+ "CROSS JOIN LATERAL (SELECT now() - interval '174 hours' * (1 - g::float8 / %1$d) AS c) t "
			+ "CROSS JOIN LATERAL (SELECT lpad(to_hex(floor(extract(epoch FROM t.c) * 1000)::bigint), 12, '0') AS ms, "
			+ "gen_random_uuid()::text AS r) u";

	/**
	 * Sent outbox rows ({@code completion-mode=update}, the default) over the last 174
	 * hours.
	 */
	private static final String OUTBOX = "INSERT INTO jetway_outbox (id, subject, payload, headers, status, attempts, "
			+ "created_at, available_at, sent_at, stream, stream_seq) SELECT gen_random_uuid(), 'bench.history', "
			+ "convert_to(repeat('x', %2$d), 'UTF8'), '{}', 'sent', 1, t.c, t.c, t.c + interval '5 milliseconds', "
			+ "'HISTORY', g FROM generate_series(1, %1$d) g "
			+ "CROSS JOIN LATERAL (SELECT now() - interval '174 hours' * (1 - g::float8 / %1$d) AS c) t";

	private HistoryRows() {
	}

	/** Finished jobs of one queue and type. */
	public static String jobs(String queue, String type, long rows) {
		return String.format(Locale.ROOT, JOBS, rows, queue, type);
	}

	/**
	 * Processed inbox rows of one consumer, with time-ordered ids as Jetway publishes.
	 */
	public static String inbox(String consumer, long rows) {
		return String.format(Locale.ROOT, INBOX, rows, consumer);
	}

	/** Sent outbox rows, each with a payload of the given size. */
	public static String outbox(long rows, int payloadBytes) {
		return String.format(Locale.ROOT, OUTBOX, rows, payloadBytes);
	}

}
