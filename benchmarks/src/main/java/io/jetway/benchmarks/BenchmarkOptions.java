package io.jetway.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The command line options shared by the benchmarks.
 *
 * @param events events measured per throughput scenario
 * @param warmUpEvents events sent before each measurement and not counted
 * @param latencyDuration how long the paced latency run lasts
 * @param latencyRate events per second of the paced latency run
 * @param latencyEventsPerTransaction events committed per transaction in each latency run
 * (one run per value, each adding up to the same rate)
 * @param scenarios the scenarios to run, by letter
 * @param quick whether {@code --quick} was given
 * @param eventsGiven whether {@code --events} was given
 * @param concurrency the listener concurrencies the consumer benchmark's Jetway scenarios
 * run with, one run of each scenario per value ({@code --concurrency=1,4})
 * @param batchSize the listener batch size of the consumer benchmark's Jetway scenarios
 * ({@code --batch-size=N})
 * @param history the rows of history ({@link History}) each Jetway scenario is measured
 * with, in order ({@code --history=0,1000000}); empty without {@code --history}
 * @param workers the numbers of HTTP worker threads the external-workers benchmark runs
 * with, one run per value ({@code --workers=1,4})
 * @param fetchCount the FETCH {@code count} values of the external-workers benchmark, one
 * run per value and number of workers ({@code --fetch-count=1,10})
 */
record BenchmarkOptions(int events, int warmUpEvents, Duration latencyDuration, int latencyRate,
		List<Integer> latencyEventsPerTransaction, Set<Character> scenarios, boolean quick, boolean eventsGiven,
		List<Integer> concurrency, int batchSize, List<Long> history, List<Integer> workers, List<Integer> fetchCount) {

	static final int DEFAULT_EVENTS = 100_000;

	static final int QUICK_EVENTS = 10_000;

	static BenchmarkOptions parse(String[] args) {
		Integer events = null;
		boolean quick = false;
		Duration latency = null;
		List<Integer> perTransaction = List.of(1, 10);
		Set<Character> scenarios = new LinkedHashSet<>(List.of('a', 'b', 'c', 'd', 'e', 'f'));
		List<Integer> concurrency = List.of(4);
		int batchSize = 100;
		List<Long> history = new ArrayList<>();
		List<Integer> workers = List.of(4);
		List<Integer> fetchCount = List.of(10);
		for (String arg : args) {
			if (arg.equals("--quick")) {
				quick = true;
			}
			else if (arg.startsWith("--events=")) {
				events = positive(arg, value(arg));
			}
			else if (arg.startsWith("--latency-seconds=")) {
				latency = Duration.ofSeconds(positive(arg, value(arg)));
			}
			else if (arg.startsWith("--latency-events-per-transaction=")) {
				perTransaction = positives(arg);
				if (perTransaction.stream().anyMatch((perTx) -> 1000 % perTx != 0)) {
					throw new IllegalArgumentException("--latency-events-per-transaction values must divide 1000");
				}
			}
			else if (arg.startsWith("--concurrency=")) {
				concurrency = positives(arg);
			}
			else if (arg.startsWith("--workers=")) {
				workers = positives(arg);
			}
			else if (arg.startsWith("--fetch-count=")) {
				fetchCount = positives(arg);
				if (fetchCount.stream().anyMatch((count) -> count > 1000)) {
					throw new IllegalArgumentException("--fetch-count values must be at most 1000 (OJS FETCH's limit)");
				}
			}
			else if (arg.startsWith("--batch-size=")) {
				batchSize = positive(arg, value(arg));
			}
			else if (arg.startsWith("--history=")) {
				history.clear();
				for (String rows : value(arg).split(",")) {
					history.add(notNegative(arg, rows));
				}
			}
			else if (arg.startsWith("--scenarios=")) {
				scenarios.clear();
				for (String letter : value(arg).toLowerCase(Locale.ROOT).split(",")) {
					if (letter.length() != 1 || "abcdef".indexOf(letter.charAt(0)) < 0) {
						throw new IllegalArgumentException("unknown scenario '" + letter + "' in " + arg);
					}
					scenarios.add(letter.charAt(0));
				}
			}
			else {
				throw new IllegalArgumentException("unknown option " + arg);
			}
		}
		int n = (events != null) ? events : (quick ? QUICK_EVENTS : DEFAULT_EVENTS);
		Duration latencyDuration = (latency != null) ? latency : Duration.ofSeconds(quick ? 5 : 20);
		return new BenchmarkOptions(n, Math.max(1, n / 10), latencyDuration, 1000, perTransaction, scenarios, quick,
				events != null, concurrency, batchSize, List.copyOf(history), workers, fetchCount);
	}

	/**
	 * @return whether {@code --history} was given: the benchmark measures its Jetway
	 * scenarios once per history size
	 */
	boolean withHistory() {
		return !this.history.isEmpty();
	}

	/**
	 * The events of a benchmark whose defaults differ from the outbox's.
	 * @param full the default
	 * @param quickRun the default with {@code --quick}
	 * @return {@code --events} if given, else the default
	 */
	int events(int full, int quickRun) {
		return this.eventsGiven ? this.events : (this.quick ? quickRun : full);
	}

	boolean runs(char scenario) {
		return this.scenarios.contains(scenario);
	}

	private static String value(String arg) {
		return arg.substring(arg.indexOf('=') + 1);
	}

	private static List<Integer> positives(String arg) {
		List<Integer> numbers = new ArrayList<>();
		for (String number : value(arg).split(",")) {
			numbers.add(positive(arg, number));
		}
		return numbers;
	}

	private static long notNegative(String arg, String value) {
		try {
			long number = Long.parseLong(value.replace("_", ""));
			if (number >= 0) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException("expected numbers of rows (0 or more, separated by commas) in " + arg);
	}

	private static int positive(String arg, String value) {
		try {
			int number = Integer.parseInt(value.replace("_", "").replace(",", ""));
			if (number > 0) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException("expected a positive number in " + arg);
	}

}
