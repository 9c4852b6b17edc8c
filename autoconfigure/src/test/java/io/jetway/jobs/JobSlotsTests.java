package io.jetway.jobs;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JobSlots}: jobs are held beyond the concurrency only while handlers are short.
 */
class JobSlotsTests {

	private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(1);

	private static final long LONG = TimeUnit.MILLISECONDS.toNanos(500);

	@Test
	void holdsTheConcurrencyUntilHandlersProveShortThenTwiceAsManyUntilTheyGetLong() throws Exception {
		JobSlots slots = new JobSlots(4);
		assertThat(slots.take(10)).isEqualTo(4);
		assertThat(slots.take(10)).isZero();
		runAll(slots, 4, SHORT);
		for (int round = 0; round < 10; round++) {
			runAll(slots, slots.take(10), SHORT);
		}
		assertThat(slots.take(10)).isEqualTo(8);
		runAll(slots, 8, LONG);
		for (int round = 0; round < 10; round++) {
			runAll(slots, slots.take(10), LONG);
		}
		assertThat(slots.take(10)).isEqualTo(4);
		assertThat(slots.take(10)).isZero();
	}

	@Test
	void releasedSlotsCanBeTakenAgain() throws Exception {
		JobSlots slots = new JobSlots(2);
		assertThat(slots.take(10)).isEqualTo(2);
		slots.release(1);
		assertThat(slots.take(10)).isEqualTo(1);
	}

	private static void runAll(JobSlots slots, int jobs, long nanos) {
		for (int i = 0; i < jobs; i++) {
			slots.finished(nanos);
		}
	}

}
