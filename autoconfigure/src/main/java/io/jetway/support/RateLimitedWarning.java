package io.jetway.support;

import java.time.Duration;

import org.apache.commons.logging.Log;

/**
 * A warning that a lasting condition (an outage) would otherwise repeat many times a
 * second: logged at WARN at most once per interval, and at DEBUG in between.
 */
public final class RateLimitedWarning {

	private final Log logger;

	private final long intervalNanos;

	private boolean warned;

	private long lastWarned;

	private int suppressed;

	public RateLimitedWarning(Log logger, Duration interval) {
		this.logger = logger;
		this.intervalNanos = interval.toNanos();
	}

	public synchronized void warn(String message) {
		long now = System.nanoTime();
		if (this.warned && now - this.lastWarned < this.intervalNanos) {
			this.suppressed++;
			this.logger.debug(message);
			return;
		}
		String repeated = (this.suppressed > 0)
				? " (" + this.suppressed + " more since the last warning, logged at DEBUG)" : "";
		this.logger.warn(message + repeated);
		this.warned = true;
		this.lastWarned = now;
		this.suppressed = 0;
	}

}
