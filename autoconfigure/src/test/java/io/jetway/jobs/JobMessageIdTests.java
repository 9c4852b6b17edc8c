package io.jetway.jobs;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Nats-Msg-Id} of a job's first message: the same for the same job row,
 * another for a job that reuses a deleted job's id, and laid out as a UUIDv7 so that the
 * outbox rows it names are inserted in time order.
 */
class JobMessageIdTests {

	private static final UUID JOB = UUID.fromString("019539a4-aaaa-7000-8000-111111111111");

	@Test
	void theSameRowGivesTheSameIdAndAReusedJobIdAnother() {
		Instant created = Instant.parse("2026-12-01T20:00:00.123456Z");
		assertThat(JobMessages.messageId(JOB, created)).isEqualTo(JobMessages.messageId(JOB, created))
			.isNotEqualTo(JobMessages.messageId(JOB, created.plusMillis(1)))
			.isNotEqualTo(JOB);
	}

	@Test
	void idsAreUuidv7OrderedByTheRowsCreation() {
		Instant first = Instant.parse("2026-12-01T20:00:00.123Z");
		UUID earlier = JobMessages.messageId(UUID.randomUUID(), first);
		UUID later = JobMessages.messageId(UUID.randomUUID(), first.plusMillis(1));
		assertThat(earlier.version()).isEqualTo(7);
		assertThat(earlier.variant()).isEqualTo(2);
		assertThat(earlier.getMostSignificantBits() >>> 16).isEqualTo(first.toEpochMilli());
		assertThat(earlier.toString()).isLessThan(later.toString());
	}

}
