package io.jetway.jobs;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Which jobs {@link JobClient#find} returns; every criterion is optional.
 *
 * @param queue the queue
 * @param type the job type
 * @param state the state
 * @param createdFrom created at or after
 * @param createdTo created before
 */
public record JobQuery(@Nullable String queue, @Nullable String type, @Nullable JobState state,
		@Nullable Instant createdFrom, @Nullable Instant createdTo) {

	/** Every job. */
	public static final JobQuery ALL = new JobQuery(null, null, null, null, null);

}
