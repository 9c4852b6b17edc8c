package io.jetway.support;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.support.CronExpression;

/**
 * The next tick of a cron expression in a time zone, for {@code jetway.jobs.schedules}
 * and the crons registered over OJS alike.
 */
public final class CronTicks {

	/** The next tick of an expression that has none (such as February 30th). */
	public static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");

	private CronTicks() {
	}

	/**
	 * The first tick after {@code after}. A tick at the same local date-time as the one
	 * just fired is skipped: on the day clocks fall back, a local time such as 01:30
	 * happens twice, and a cron for 01:30 fires once.
	 * @param fired the tick just fired, or {@code null}
	 * @return the tick, or {@link #NEVER}
	 */
	public static Instant next(CronExpression cron, ZoneId zone, @Nullable Instant fired, Instant after) {
		ZonedDateTime next = cron.next(after.atZone(zone));
		if (next != null && fired != null && next.toLocalDateTime().equals(fired.atZone(zone).toLocalDateTime())) {
			next = cron.next(next);
		}
		return (next != null) ? next.toInstant() : NEVER;
	}

}
