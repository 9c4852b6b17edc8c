package io.jetway.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Brings the machine to the same state before each measured phase: PostgreSQL writes a
 * checkpoint (so that no scenario pays for the full-page writes of a checkpoint the one
 * before it started), then the CPUs are given time to go idle (the warm-up's JIT
 * compilations finish, and the scenario before has stopped). On this 2-core machine,
 * leftovers of either moved results by 20-30%.
 */
final class IdleMachine {

	private static final Path PROC_STAT = Path.of("/proc/stat");

	private static final double IDLE = 0.9;

	private static final int IDLE_WINDOWS = 4;

	private static final Duration WINDOW = Duration.ofMillis(500);

	private static final Duration MAX_WAIT = Duration.ofSeconds(60);

	private IdleMachine() {
	}

	/**
	 * @return a note for the output when the machine did not go idle in time, else empty
	 */
	static String settle(DataSource dataSource) {
		return settle(dataSource, MAX_WAIT);
	}

	/**
	 * @param maxWait how long to wait for the CPUs to go idle at most
	 * @return a note for the output when the machine did not go idle in time, else empty
	 */
	static String settle(DataSource dataSource, Duration maxWait) {
		try {
			new JdbcTemplate(dataSource).execute("CHECKPOINT");
		}
		catch (RuntimeException ex) {
			// not a superuser: the checkpoint happens when PostgreSQL decides
		}
		if (!Files.isReadable(PROC_STAT)) {
			return "";
		}
		long deadline = System.nanoTime() + maxWait.toNanos();
		int idleWindows = 0;
		long[] before = cpuTicks();
		while (idleWindows < IDLE_WINDOWS) {
			if (System.nanoTime() > deadline) {
				return " (the machine was not idle after " + maxWait.toSeconds() + " s)";
			}
			LockSupport.parkNanos(WINDOW.toNanos());
			long[] after = cpuTicks();
			long total = after[0] - before[0];
			double idle = (total > 0) ? (double) (after[1] - before[1]) / total : 1.0;
			idleWindows = (idle >= IDLE) ? idleWindows + 1 : 0;
			before = after;
		}
		return "";
	}

	/**
	 * @return total and idle (idle plus iowait) ticks of all CPUs
	 */
	private static long[] cpuTicks() {
		try {
			String[] fields = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < fields.length; i++) {
				total += Long.parseLong(fields[i]);
			}
			return new long[] { total, Long.parseLong(fields[4]) + Long.parseLong(fields[5]) };
		}
		catch (IOException | RuntimeException ex) {
			return new long[] { 0, 0 };
		}
	}

}
