package io.jetway.jobs;

import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which queues are paused, read from {@code jetway_job_queues} at most once per refresh
 * interval, so that a pause made through any instance reaches every instance.
 */
public class PausedQueues implements Predicate<String> {

	private final JobRepository repository;

	private final long refreshNanos;

	private volatile Set<String> paused = Set.of();

	private volatile long readAt;

	PausedQueues(JobRepository repository, Duration refresh) {
		this.repository = repository;
		this.refreshNanos = refresh.toNanos();
	}

	/**
	 * Forgets what was read, so that the next test reads the table (after this instance
	 * paused or resumed a queue).
	 */
	void invalidate() {
		this.readAt = 0;
	}

	@Override
	public boolean test(String queue) {
		long now = System.nanoTime();
		if (this.readAt == 0 || now - this.readAt > this.refreshNanos) {
			try {
				this.paused = this.repository.pausedQueues();
			}
			catch (RuntimeException ex) {
				// keep the last known state while the database is unreachable
			}
			this.readAt = now;
		}
		return this.paused.contains(queue);
	}

}
