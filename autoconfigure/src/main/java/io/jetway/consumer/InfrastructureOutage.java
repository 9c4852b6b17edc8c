package io.jetway.consumer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.support.Backoff;
import io.jetway.support.RateLimitedWarning;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Whether a container's processing currently cannot reach the database: while any of its
 * batches is in the outage retry loop, the container fetches nothing, holds the messages
 * it has (with in-progress acks, so no delivery is spent) and processes them again with
 * backoff. The outage is the count of batches in that loop (each leaves it in a
 * {@code finally}), and a container starts each run with a new one, so neither a batch
 * handed back on stop nor one given up on can leave fetching stopped. One WARN when the
 * outage starts and one a minute while it lasts; an INFO when it ends.
 */
final class InfrastructureOutage {

	private static final Log logger = LogFactory.getLog(InfrastructureOutage.class);

	private static final Backoff RETRY = new Backoff(Duration.ofMillis(500), 2, Duration.ofSeconds(15), 0.2);

	private final String consumer;

	/** Batches in the retry loop. */
	private final AtomicInteger retrying = new AtomicInteger();

	private volatile long sinceNanos;

	private volatile RateLimitedWarning warning = newWarning();

	InfrastructureOutage(String consumer) {
		this.consumer = consumer;
	}

	boolean isActive() {
		return this.retrying.get() > 0;
	}

	/**
	 * A batch could not reach the infrastructure and enters the retry loop; it must
	 * {@link #leave} it.
	 */
	synchronized void enter() {
		if (this.retrying.getAndIncrement() == 0) {
			this.sinceNanos = System.nanoTime();
			this.warning = newWarning();
		}
	}

	/**
	 * Processing of {@code held} messages failed (again) because the infrastructure could
	 * not be reached.
	 */
	void unavailable(Throwable cause, int held) {
		this.warning.warn("Consumer " + this.consumer + ": the database cannot be reached (for "
				+ Duration.ofNanos(System.nanoTime() - this.sinceNanos).toSeconds() + " s): " + cause
				+ "; fetching paused, holding " + held + " message(s) without spending a delivery and retrying");
	}

	/**
	 * A batch leaves the retry loop.
	 * @param recovered whether it left because its processing reached the database again
	 * (rather than the container stopping or the batch being given up on)
	 */
	synchronized void leave(boolean recovered) {
		if (this.retrying.decrementAndGet() == 0 && recovered) {
			logger.info("Consumer " + this.consumer + ": the database can be reached again after "
					+ Duration.ofNanos(System.nanoTime() - this.sinceNanos).toSeconds() + " s; fetching resumes");
		}
	}

	/** How long to wait before processing held messages the n-th time again. */
	Duration retryDelay(int failedAttempts) {
		return RETRY.delayAfter(failedAttempts);
	}

	private static RateLimitedWarning newWarning() {
		return new RateLimitedWarning(logger, Duration.ofMinutes(1));
	}

}
