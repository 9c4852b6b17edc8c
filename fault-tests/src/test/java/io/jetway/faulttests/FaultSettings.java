package io.jetway.faulttests;

import java.time.Duration;

import org.springframework.boot.convert.DurationStyle;

/**
 * The size of the runs, from system properties that the Maven build sets: the reduced
 * suite of {@code ./mvnw verify} and the full one of the {@code fault-full} profile.
 */
final class FaultSettings {

	private FaultSettings() {
	}

	/**
	 * Business operations per scenario ({@code jetway.fault.operations}, default 400).
	 */
	static int operations() {
		return Integer.getInteger("jetway.fault.operations", 400);
	}

	/**
	 * How long PostgreSQL stays down in the outage scenario
	 * ({@code jetway.fault.postgres-outage}, default 5s; 90s in the full suite).
	 */
	static Duration postgresOutage() {
		return DurationStyle.detectAndParse(System.getProperty("jetway.fault.postgres-outage", "5s"));
	}

	/**
	 * Operations per second each instance commits: a run's driving lasts about six
	 * seconds plus its faults, so that faults hit relaying, consuming and jobs at once.
	 */
	static int rate() {
		return Math.max(50, Math.min(300, operations() / 6));
	}

}
