package io.jetway.support;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * A warning that a lasting condition (an outage, a loop that keeps failing) would
 * otherwise repeat many times a second: logged at WARN at most once per interval, and at
 * DEBUG in between. A failure's stack trace is logged with the first warning of a streak
 * only; {@link #clear(String)} ends the streak.
 */
public final class RateLimitedWarning {

	private final Log logger;

	private final long intervalNanos;

	private volatile boolean warned;

	private boolean traced;

	private long lastWarned;

	private int suppressed;

	public RateLimitedWarning(Log logger, Duration interval) {
		this.logger = logger;
		this.intervalNanos = interval.toNanos();
	}

	public void warn(String message) {
		warn(message, null);
	}

	/**
	 * @param message what is wrong
	 * @param failure the failure, whose stack trace only the first warning of a streak
	 * shows
	 */
	public synchronized void warn(String message, @Nullable Throwable failure) {
		long now = System.nanoTime();
		if (this.warned && now - this.lastWarned < this.intervalNanos) {
			this.suppressed++;
			this.logger.debug(message, failure);
			return;
		}
		String repeated = (this.suppressed > 0)
				? " (" + this.suppressed + " more since the last warning, logged at DEBUG)" : "";
		if (failure != null && !this.traced) {
			this.logger.warn(message + repeated, failure);
			this.traced = true;
		}
		else {
			this.logger.warn(message + repeated);
		}
		this.warned = true;
		this.lastWarned = now;
		this.suppressed = 0;
	}

	/**
	 * The condition ended: the next warning is logged at once, with its stack trace.
	 * Cheap when nothing was warned.
	 * @param recovered logged at INFO if a warning of this streak was logged
	 */
	public void clear(String recovered) {
		if (!this.warned) {
			return;
		}
		synchronized (this) {
			if (!this.warned) {
				return;
			}
			this.warned = false;
			this.traced = false;
			this.suppressed = 0;
		}
		this.logger.info(recovered);
	}

}
