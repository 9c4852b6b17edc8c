package io.jetway.actuate;

import java.time.Clock;
import java.time.Duration;

import io.jetway.actuate.JetwayHealthProperties.Outbox;

/**
 * Degraded while more rows than {@code jetway.health.outbox.max-pending} wait (counted up
 * to one more than that), or the first in the relay's order has waited longer than
 * {@code jetway.health.outbox.max-oldest-pending-age}; down when the database does not
 * answer.
 */
class OutboxHealthCheck implements JetwayHealthCheck {

	private final TableReads tables;

	private final Outbox thresholds;

	private final Clock clock;

	OutboxHealthCheck(TableReads tables, Outbox thresholds, Clock clock) {
		this.tables = tables;
		this.thresholds = thresholds;
		this.clock = clock;
	}

	@Override
	public String name() {
		return "outbox";
	}

	@Override
	public Result check() {
		long maxPending = this.thresholds.getMaxPending();
		TableReads.Pending pending = this.tables
			.outboxPending((maxPending < Long.MAX_VALUE) ? Math.max(1, maxPending + 1) : maxPending);
		Duration age = pending.oldestAge(this.clock.instant());
		return Result.builder()
			.degradedIf(pending.count() > this.thresholds.getMaxPending())
			.degradedIf(age.compareTo(this.thresholds.getMaxOldestPendingAge()) > 0)
			.detail("pending", pending.count())
			.detail("pendingCapped", pending.capped())
			.detail("oldestPendingAgeSeconds", age.toSeconds())
			.detail("maxPending", this.thresholds.getMaxPending())
			.detail("maxOldestPendingAgeSeconds", this.thresholds.getMaxOldestPendingAge().toSeconds())
			.build();
	}

}
