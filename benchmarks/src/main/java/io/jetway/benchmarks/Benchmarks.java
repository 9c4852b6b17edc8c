package io.jetway.benchmarks;

import java.util.Arrays;

/**
 * Runs one benchmark by name and prints its figures.
 * <p>
 * Usage: {@code java -jar jetway-benchmarks.jar outbox [--events=N] [--quick]
 * [--latency-seconds=S] [--latency-events-per-transaction=1,10] [--scenarios=a,b,c,d]};
 * {@code consumer [--events=N] [--quick] [--scenarios=a,...,f] [--concurrency=1,4] [--batch-size=N]}
 * ({@link ConsumerBenchmark}); {@code jobs [--events=N] [--quick] [--scenarios=a,b,c,d]}
 * ({@link JobsBenchmark}). {@code --history=0,1000000,10000000} measures the Jetway
 * scenarios once per number of rows of history in their tables ({@link History});
 * {@code external-workers [--events=N] [--quick] [--scenarios=a,b] [--workers=1,4]
 * [--fetch-count=1,10]} ({@link ExternalWorkersBenchmark}).
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0 || args[0].startsWith("--")) {
			usage("no benchmark named");
			return;
		}
		BenchmarkOptions options;
		try {
			options = BenchmarkOptions.parse(Arrays.copyOfRange(args, 1, args.length));
		}
		catch (IllegalArgumentException ex) {
			usage(ex.getMessage());
			return;
		}
		int status = 0;
		try {
			switch (args[0]) {
				case "outbox" -> new OutboxBenchmark(options).run();
				case "consumer" -> new ConsumerBenchmark(options).run();
				case "jobs" -> new JobsBenchmark(options).run();
				case "external-workers" -> new ExternalWorkersBenchmark(options).run();
				default -> {
					usage("unknown benchmark '" + args[0] + "'");
					return;
				}
			}
		}
		catch (Exception ex) {
			System.err.println("The benchmark failed: " + ex);
			ex.printStackTrace();
			status = 1;
		}
		// a context or client library may leave a non-daemon thread behind: the figures
		// are printed, so end here
		System.exit(status);
	}

	private static void usage(String problem) {
		System.err.println(problem);
		System.err.println(
				"usage: java -jar jetway-benchmarks.jar outbox|consumer|jobs|external-workers [--events=N] [--quick] "
						+ "[--latency-seconds=S] [--latency-events-per-transaction=1,10] [--scenarios=a,b,c,d] "
						+ "[--concurrency=1,4] [--batch-size=N] (consumer) [--history=0,1000000,10000000] "
						+ "[--workers=1,4] [--fetch-count=1,10] (external-workers)");
		System.exit(2);
	}

}
