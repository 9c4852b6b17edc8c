package io.jetway.faulttests;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a scenario left in the database, counted with SQL once the system was quiet.
 *
 * @param operations business operations committed
 * @param listenerEffects rows the listener recorded
 * @param listenerLost operations without a listener effect
 * @param listenerDuplicates listener effect rows beyond one per operation
 * @param jobEffects rows the job handler recorded
 * @param jobLost operations without a job effect
 * @param jobDuplicates job effect rows beyond one per operation
 * @param jobs job rows by status
 * @param outboxRows outbox rows
 * @param outboxNotSent outbox rows not (yet) sent
 * @param recovery longest time from the end of a fault until every operation committed
 * before it ended had its job effect and a new job effect was recorded
 */
record RunResult(long operations, long listenerEffects, long listenerLost, long listenerDuplicates, long jobEffects,
		long jobLost, long jobDuplicates, Map<String, Long> jobs, long outboxRows, long outboxNotSent,
		Duration recovery) {

	long effects() {
		return this.listenerEffects + this.jobEffects;
	}

	long lost() {
		return this.listenerLost + this.jobLost;
	}

	long jobsNotTerminal() {
		return this.jobs.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().equals("completed") && !entry.getKey().equals("failed")
					&& !entry.getKey().equals("cancelled"))
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

	/**
	 * The result line: {@code scenario, server, N, effects, lost, duplicated, job effects
	 * duplicated, recovery seconds}.
	 */
	String line(String scenario, String server) {
		return String.format(Locale.ROOT, "%s, %s, %d, %d, %d, %d, %d, %.1f", scenario, server, this.operations,
				effects(), lost(), this.listenerDuplicates, this.jobDuplicates, this.recovery.toMillis() / 1000.0);
	}

	/**
	 * Asserts what every scenario promises: nothing lost, no listener effect twice (inbox
	 * on), every job terminal, every outbox row sent. Job-handler duplicates are counted,
	 * not asserted: they are the documented at-least-once window of job handlers.
	 * @param plannedOperations the operations that must have their effects
	 * @param outboxEvents how many of them published their event through the outbox
	 */
	void assertHolds(long plannedOperations, long outboxEvents) {
		String details = "\n" + this;
		assertThat(this.operations).as("operations committed" + details).isEqualTo(plannedOperations);
		assertThat(this.listenerLost).as("operations without a listener effect" + details).isZero();
		assertThat(this.jobLost).as("operations without a job effect" + details).isZero();
		assertThat(this.listenerDuplicates).as("duplicated listener effects (inbox on)" + details).isZero();
		assertThat(jobsNotTerminal()).as("jobs not in a terminal state" + details).isZero();
		assertThat(this.jobs.getOrDefault("completed", 0L)).as("completed jobs" + details).isEqualTo(plannedOperations);
		assertThat(this.outboxNotSent).as("outbox rows not sent" + details).isZero();
		assertThat(this.outboxRows).as("outbox rows" + details).isGreaterThanOrEqualTo(outboxEvents);
	}

}
