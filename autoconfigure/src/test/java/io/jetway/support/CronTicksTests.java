package io.jetway.support;

import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The next tick of a cron expression in a time zone, around daylight saving changes (no
 * clock, no database: pure logic).
 */
class CronTicksTests {

	private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

	@Test
	void aFixedHourCronFiresOnceOnTheFallBackDay() {
		// 2026-11-01: 01:59:59 EDT is followed by 01:00:00 EST, so 01:30 happens twice
		CronExpression cron = CronExpression.parse("0 30 1 * * *");
		Instant fired = Instant.parse("2026-11-01T05:30:00Z");
		assertThat(fired.atZone(NEW_YORK).toLocalTime()).hasToString("01:30");
		Instant next = CronTicks.next(cron, NEW_YORK, fired, fired.plusMillis(100));
		assertThat(next).isEqualTo(Instant.parse("2026-11-02T06:30:00Z"));
	}

	@Test
	void ticksOfOtherDaysAndOtherLocalTimesAreKept() {
		CronExpression daily = CronExpression.parse("0 30 1 * * *");
		Instant before = Instant.parse("2026-10-31T05:30:00Z");
		assertThat(CronTicks.next(daily, NEW_YORK, before, before.plusMillis(100)))
			.isEqualTo(Instant.parse("2026-11-01T05:30:00Z"));
		// the repeated hour still has its other minutes
		CronExpression minutely = CronExpression.parse("0 * * * * *");
		Instant fired = Instant.parse("2026-11-01T05:59:00Z");
		assertThat(CronTicks.next(minutely, NEW_YORK, fired, fired.plusMillis(100)))
			.isEqualTo(Instant.parse("2026-11-01T06:00:00Z"));
		assertThat(CronTicks.next(daily, NEW_YORK, null, before)).isEqualTo(Instant.parse("2026-11-01T05:30:00Z"));
		assertThat(CronTicks.next(CronExpression.parse("0 0 0 30 2 *"), NEW_YORK, null, before))
			.isEqualTo(CronTicks.NEVER);
	}

}
