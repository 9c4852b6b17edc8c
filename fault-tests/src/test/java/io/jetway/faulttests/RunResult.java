package io.jetway.faulttests;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import io.jetway.faulttests.workload.OperationCreated;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a scenario left in the database, counted with SQL once the system was quiet.
 *
 * @param operations business operations committed
 * @param listenerEffects rows the listener recorded
 * @param listenerLost operations without a listener effect
 * @param listenerDuplicates listener effect rows beyond one per operation
 * @param listenerOrphans listener effect rows of an operation never committed
 * @param jobEffects rows the job handler recorded
 * @param jobLost operations without a job effect
 * @param jobDuplicates job effect rows beyond one per operation
 * @param jobOrphans job effect rows of an operation never committed
 * @param jobs job rows by status
 * @param outboxRows outbox rows by subject
 * @param outboxNotSent outbox rows not (yet) sent
 * @param deadLetters messages in the dead-letter stream {@code JETWAY_DLQ}
 * @param recovery longest time from the end of a fault until every operation committed
 * before it ended had its job effect and a new job effect was recorded
 */
record RunResult(long operations, long listenerEffects, long listenerLost, long listenerDuplicates,
		long listenerOrphans, long jobEffects, long jobLost, long jobDuplicates, long jobOrphans,
		Map<String, Long> jobs, Map<String, Long> outboxRows, long outboxNotSent, long deadLetters, Duration recovery) {

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

	long jobRows() {
		return this.jobs.values().stream().mapToLong(Long::longValue).sum();
	}

	/** Outbox rows of every subject but {@code subject}. */
	long outboxRowsExcept(String subject) {
		return this.outboxRows.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().equals(subject))
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
	 * Asserts what every scenario promises without poison (see the overload): nothing was
	 * dead-lettered.
	 * @param plannedOperations the operations that must have their effects
	 * @param outboxEvents how many of them published their event through the outbox
	 */
	void assertHolds(long plannedOperations, long outboxEvents) {
		assertHolds(plannedOperations, outboxEvents, 0);
	}

	/**
	 * Asserts what every scenario promises: nothing lost, no listener effect twice (inbox
	 * on), no effect of an operation that was never committed, one job per operation and
	 * every one completed, exactly one outbox row per event published through the outbox
	 * and every one sent, no other outbox row (on PostgreSQL jobs to run now are
	 * dispatched directly, docs/jobs.md "Dispatch", and none is retried or delayed), and
	 * exactly the expected dead letters. Job-handler duplicates are counted, not
	 * asserted: they are the documented at-least-once window of job handlers.
	 * @param plannedOperations the operations that must have their effects
	 * @param outboxEvents how many of them published their event through the outbox
	 * @param expectedDeadLetters the messages that must be in {@code JETWAY_DLQ}
	 */
	void assertHolds(long plannedOperations, long outboxEvents, long expectedDeadLetters) {
		String details = "\n" + this;
		assertThat(this.operations).as("operations committed" + details).isEqualTo(plannedOperations);
		assertThat(this.listenerLost).as("operations without a listener effect" + details).isZero();
		assertThat(this.jobLost).as("operations without a job effect" + details).isZero();
		assertThat(this.listenerDuplicates).as("duplicated listener effects (inbox on)" + details).isZero();
		assertThat(this.listenerOrphans).as("listener effects of operations never committed" + details).isZero();
		assertThat(this.jobOrphans).as("job effects of operations never committed" + details).isZero();
		assertThat(jobsNotTerminal()).as("jobs not in a terminal state" + details).isZero();
		assertThat(jobRows()).as("job rows (one per operation)" + details).isEqualTo(plannedOperations);
		assertThat(this.jobs.getOrDefault("completed", 0L)).as("completed jobs" + details).isEqualTo(plannedOperations);
		assertThat(this.jobs.getOrDefault("failed", 0L)).as("failed jobs" + details).isZero();
		assertThat(this.outboxNotSent).as("outbox rows not sent" + details).isZero();
		assertThat(this.outboxRows.getOrDefault(OperationCreated.SUBJECT, 0L))
			.as("outbox rows of " + OperationCreated.SUBJECT + details)
			.isEqualTo(outboxEvents);
		assertThat(outboxRowsExcept(OperationCreated.SUBJECT))
			.as("outbox rows of other subjects (jobs are dispatched directly)" + details)
			.isZero();
		assertThat(this.deadLetters).as("messages in JETWAY_DLQ" + details).isEqualTo(expectedDeadLetters);
	}

}
