package io.jetway.jobs;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delay of a job message's negative acknowledgement, shared by in-process workers
 * ({@link JobClaimer}) and the OJS binding's give-back.
 */
class JobQueueConsumersTests {

	@Test
	void aNakDelayBeyondALongOfNanosecondsIsCappedNotAnOverflow() {
		// a job due some 400 years ahead (scheduled_at 2400-01-01)
		assertThat(JobQueueConsumers.nakDelayNanos(Duration.ofDays(400L * 365))).isEqualTo(Long.MAX_VALUE);
		assertThat(JobQueueConsumers.nakDelayNanos(Duration.ofSeconds(1))).isEqualTo(1_000_000_000L);
		assertThat(JobQueueConsumers.nakDelayNanos(Duration.ofSeconds(-1))).isZero();
	}

}
