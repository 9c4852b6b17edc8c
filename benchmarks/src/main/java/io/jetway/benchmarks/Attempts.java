package io.jetway.benchmarks;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Runs the scenarios a benchmark was asked for, one at a time, and remembers the ones
 * that failed so the table says "failed" instead of a figure.
 */
final class Attempts {

	private final BenchmarkOptions options;

	private final Map<Character, String> failures = new LinkedHashMap<>();

	Attempts(BenchmarkOptions options) {
		this.options = options;
	}

	<T> @Nullable T attempt(char scenario, String name, Scenario<T> body) {
		if (!this.options.runs(scenario)) {
			return null;
		}
		System.out.printf("running (%s) %s ...%n", scenario, name);
		long start = System.nanoTime();
		try {
			T result = body.run();
			System.out.printf(Locale.ROOT, "  done in %.1f s%n", (System.nanoTime() - start) / 1e9);
			return result;
		}
		catch (Exception | LinkageError ex) {
			this.failures.put(scenario, ex.toString());
			System.out.println("  failed: " + ex);
			ex.printStackTrace(System.out);
			return null;
		}
	}

	void printFailures() {
		this.failures.forEach((scenario, failure) -> System.out.printf("  (%s) failed: %s%n", scenario, failure));
	}

	@FunctionalInterface
	interface Scenario<T> {

		T run() throws Exception;

	}

}
