package io.jetway.sample.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits job enqueues per project to its tier's allowance per minute, with a fixed window
 * that opens at the project's first enqueue and lasts a minute.
 * <p>
 * The counters live in this instance's memory: with several instances behind a load
 * balancer each one allows the full limit. A real service keeps them in a shared place (a
 * database row per project and window, or a NATS KV bucket); this is a sample.
 */
public class EnqueueRateLimiter {

	private static final Duration WINDOW = Duration.ofMinutes(1);

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	private final Clock clock;

	public EnqueueRateLimiter(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Counts one enqueue of the tenant's project.
	 * @param tenant the tenant
	 * @throws RateLimitedException when the project used up its tier's limit in the
	 * current window
	 */
	public void acquire(Tenant tenant) {
		Instant now = this.clock.instant();
		int limit = tenant.tier().jobEnqueuesPerMinute();
		Window window = this.windows.compute(tenant.projectId(), (project, current) -> {
			if (current == null || !now.isBefore(current.end())) {
				return new Window(now.plus(WINDOW), 1);
			}
			return new Window(current.end(), current.count() + 1);
		});
		if (window.count() > limit) {
			long seconds = Math.max(1, (Duration.between(now, window.end()).toMillis() + 999) / 1000);
			throw new RateLimitedException("Project '" + tenant.projectId() + "' (" + tenant.tier().name().toLowerCase()
					+ " tier) may enqueue " + limit + " jobs per minute; retry in " + seconds + " s", seconds);
		}
	}

	private record Window(Instant end, int count) {

	}

}
