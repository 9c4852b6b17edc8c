package io.jetway.jobs;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Enqueues background jobs and looks after them.
 * <p>
 * Enqueueing is transactional: inside the caller's transaction the job row and its
 * dispatch (through the outbox) commit together, and a rollback leaves no job; outside a
 * transaction it runs in its own.
 */
public interface JobClient {

	/**
	 * @param type a type some {@link JobHandler} handles
	 * @param payload serialized as JSON
	 * @return the job id
	 * @throws UnknownJobTypeException when no handler handles the type
	 */
	default UUID enqueue(String type, Object payload) {
		return enqueue(type, payload, JobOptions.DEFAULTS);
	}

	/**
	 * @param type a type some {@link JobHandler} handles
	 * @param payload serialized as JSON
	 * @param options delay, idempotency key, webhook and more
	 * @return the job id; with an idempotency key seen before, the first job's id
	 */
	UUID enqueue(String type, Object payload, JobOptions options);

	Optional<JobStatus> status(UUID id);

	/**
	 * Cancels a scheduled or pending job.
	 * @return whether it was cancelled (false when it already runs or ended)
	 */
	boolean cancel(UUID id);

	/**
	 * Runs a failed job again with fresh attempts.
	 * @return whether the job was failed and is now pending
	 */
	boolean retry(UUID id);

	/**
	 * Runs a scheduled job now instead of at its run time.
	 * @return whether the job was scheduled and is now pending
	 */
	boolean runNow(UUID id);

	/**
	 * @param queue the queue, or {@code null} for all
	 * @param status the state, or {@code null} for all
	 * @param page the page, from 0
	 * @param size the page size
	 * @return jobs, newest first
	 */
	default List<JobStatus> list(@Nullable String queue, @Nullable JobState status, int page, int size) {
		if (page < 0 || size < 1) {
			throw new IllegalArgumentException(
					"page must be 0 or more and size 1 or more, were " + page + " and " + size);
		}
		return find(new JobQuery(queue, null, status, null, null), page * size, size);
	}

	/**
	 * @param query which jobs
	 * @param offset how many of them to skip, from 0
	 * @param limit the most to return
	 * @return jobs, newest first
	 */
	List<JobStatus> find(JobQuery query, int offset, int limit);

	/** Stops workers of every instance from starting jobs of the queue. */
	void pause(String queue);

	void resume(String queue);

	boolean isPaused(String queue);

}
