package io.jetway.benchmarks;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import io.jetway.test.jdbc.BulkFill;
import io.jetway.test.jdbc.HistoryRows;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * The history of an application that has run for a while ({@code --history=N}): N rows
 * written into a Jetway table of a fresh PostgreSQL database before Jetway starts, with
 * one server-side {@code INSERT ... SELECT generate_series} ({@link HistoryRows},
 * {@link BulkFill}). The oldest slice of the rows is just past the retention the
 * benchmark configures, so the first cleanup has a backlog to delete at the table's full
 * size.
 */
final class History {

	static final String SCHEMA = "io/jetway/jdbc/schema-postgresql.sql";

	/** Jobs retention the jobs benchmark runs with when it has history. */
	static final String JOBS_RETENTION = "30d";

	private static final PrintStream out = System.out;

	private History() {
	}

	static void jobs(DataSource dataSource, long rows) {
		fill(dataSource, "jetway_jobs", rows, HistoryRows.jobs("default", "noop", rows));
	}

	static void inbox(DataSource dataSource, String consumer, long rows) {
		fill(dataSource, "jetway_inbox", rows, HistoryRows.inbox(consumer, rows));
	}

	static void outbox(DataSource dataSource, long rows, int payloadBytes) {
		fill(dataSource, "jetway_outbox", rows, HistoryRows.outbox(rows, payloadBytes));
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
			BulkFill.fill(connection, table, insert);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("could not fill " + table + " with " + rows + " rows of history", ex);
		}
		out.printf(Locale.ROOT, "  history: %,d rows written into %s in %.0f s; %s%n", rows, table,
				(System.nanoTime() - start) / 1e9, sizes(dataSource, table));
	}

	/**
	 * @return the table's rows and sizes
	 */
	static String sizes(DataSource dataSource, String table) {
		Map<String, Object> sizes = new JdbcTemplate(dataSource)
			.queryForMap("SELECT (SELECT count(*) FROM " + table + ") AS rows, pg_total_relation_size(c.oid) AS total, "
					+ "pg_relation_size(c.oid) AS heap, pg_indexes_size(c.oid) AS indexes "
					+ "FROM pg_class c WHERE c.oid = ?::regclass", table);
		return String.format(Locale.ROOT, "%s: %,d rows, %s in all, heap %s, indexes %s", table,
				((Number) sizes.get("rows")).longValue(), megabytes(sizes.get("total")), megabytes(sizes.get("heap")),
				megabytes(sizes.get("indexes")));
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

	/**
	 * One measurement at one history size: its throughput and, if measured, latency.
	 */
	record Point(long history, @Nullable ScenarioResult throughput, @Nullable LatencyResult latency) {

	}

	/**
	 * Prints the curve: throughput, its ratio to the first point's (the goal at 10
	 * million rows is 0.8 of the empty table's), and latency.
	 * @param scenario the measured scenario
	 * @param unit what the throughput counts per second
	 */
	static void printCurve(String scenario, String unit, List<Point> points) {
		out.println();
		out.printf("%-60s %9s %7s %11s %11s%n", scenario, unit + "/s", "vs 1st", "p50", "p99");
		ScenarioResult first = points.isEmpty() ? null : points.get(0).throughput();
		for (Point point : points) {
			String label = String.format(Locale.ROOT, "  history %,d rows", point.history());
			ScenarioResult throughput = point.throughput();
			if (throughput == null) {
				out.printf("%-60s %9s%n", label, "not measured (failed)");
				continue;
			}
			LatencyResult latency = point.latency();
			String ratio = (first != null)
					? String.format(Locale.ROOT, "%.2f", throughput.eventsPerSecond() / first.eventsPerSecond()) : "-";
			out.printf(Locale.ROOT, "%-60s %,9.0f %7s %11s %11s%n", label, throughput.eventsPerSecond(), ratio,
					(latency != null) ? OutboxBenchmark.millis(latency.p50Nanos()) : "-",
					(latency != null) ? OutboxBenchmark.millis(latency.p99Nanos()) : "-");
		}
	}

	private static String megabytes(Object bytes) {
		return String.format(Locale.ROOT, "%,.0f MB", ((Number) bytes).longValue() / 1048576.0);
	}

}
