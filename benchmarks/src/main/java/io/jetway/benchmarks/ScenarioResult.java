package io.jetway.benchmarks;

import java.time.Duration;

/**
 * What a throughput scenario measured.
 *
 * @param events the events measured (warm-up excluded)
 * @param elapsedNanos from the first publish or commit to the last acknowledgement or
 * completion
 */
record ScenarioResult(long events, long elapsedNanos) {

	double eventsPerSecond() {
		return this.events * 1e9 / this.elapsedNanos;
	}

	Duration elapsed() {
		return Duration.ofNanos(this.elapsedNanos);
	}

}
