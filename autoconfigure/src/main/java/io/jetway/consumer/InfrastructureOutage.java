package io.jetway.consumer;

import java.time.Duration;

import io.jetway.support.Backoff;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Whether a container's processing currently cannot reach the database: while it cannot,
 * the container fetches nothing, holds the messages it has (with in-progress acks, so no
 * delivery is spent) and processes them again with backoff. One WARN when the outage
 * starts and one a minute while it lasts; an INFO when it ends.
 */
final class InfrastructureOutage {

	private static final Log logger = LogFactory.getLog(InfrastructureOutage.class);

	private static final Backoff RETRY = new Backoff(Duration.ofMillis(500), 2, Duration.ofSeconds(15), 0.2);

	private static final long WARN_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

	private final String consumer;

	private volatile boolean active;

	private long sinceNanos;

	private long lastWarnNanos;

	InfrastructureOutage(String consumer) {
		this.consumer = consumer;
	}

	boolean isActive() {
		return this.active;
	}

	/**
	 * Processing of {@code held} messages failed because the infrastructure could not be
	 * reached.
	 */
	synchronized void unavailable(Throwable cause, int held) {
		long now = System.nanoTime();
		if (!this.active) {
			this.active = true;
			this.sinceNanos = now;
		}
		else if (now - this.lastWarnNanos < WARN_INTERVAL_NANOS) {
			return;
		}
		this.lastWarnNanos = now;
		logger.warn("Consumer " + this.consumer + ": the database cannot be reached (for "
				+ Duration.ofNanos(now - this.sinceNanos).toSeconds() + " s): " + cause + "; fetching paused, holding "
				+ held + " message(s) without spending a delivery and retrying");
	}

	/** Processing reached the database again. */
	void recovered() {
		if (!this.active) {
			return;
		}
		synchronized (this) {
			if (this.active) {
				this.active = false;
				logger.info("Consumer " + this.consumer + ": the database can be reached again after "
						+ Duration.ofNanos(System.nanoTime() - this.sinceNanos).toSeconds() + " s; fetching resumes");
			}
		}
	}

	/** How long to wait before processing held messages the n-th time again. */
	Duration retryDelay(int failedAttempts) {
		return RETRY.delayAfter(failedAttempts);
	}

}
