package io.jetway.actuate;

import io.jetway.actuate.JetStreamReads.DeadLetterCounts;

/**
 * Degraded while the dead-letter stream holds more than
 * {@code jetway.health.dead-letters.max} messages (by default: any).
 */
class DeadLettersHealthCheck implements JetwayHealthCheck {

	private final JetStreamReads reads;

	private final long max;

	DeadLettersHealthCheck(JetStreamReads reads, long max) {
		this.reads = reads;
		this.max = max;
	}

	@Override
	public String name() {
		return "deadLetters";
	}

	@Override
	public Result check() throws Exception {
		DeadLetterCounts counts = this.reads.deadLetters();
		return Result.builder()
			.degradedIf(counts.total() > this.max)
			.detail("stream", counts.stream())
			.detail("total", counts.total())
			.detail("byConsumer", counts.byConsumer())
			.detail("byConsumerCapped", counts.byConsumerCapped())
			.build();
	}

}
