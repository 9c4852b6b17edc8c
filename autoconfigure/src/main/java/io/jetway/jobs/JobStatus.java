package io.jetway.jobs;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A job as stored in the database, the source of truth.
 *
 * @param id the job id
 * @param type the job type
 * @param queue the queue
 * @param status the state
 * @param attempts attempts started so far
 * @param maxAttempts attempts allowed
 * @param payload the payload as JSON
 * @param result the handler's return value as JSON, once completed
 * @param error the last failure
 * @param progress the last reported progress, from 0 to 1
 * @param progressMessage the last reported progress message
 * @param createdAt when it was enqueued
 * @param runAt when it may run
 * @param startedAt when its last attempt started
 * @param completedAt when it completed, failed or was cancelled
 * @param webhookUrl where its status is posted when it completes or fails
 * @param webhookStatus the webhook delivery state ({@code pending}, {@code delivered},
 * {@code failed}), or {@code null}
 * @param webhookAttempts webhook delivery attempts
 * @param webhookLastError why the last webhook attempt failed
 * @param meta the metadata given at enqueue ({@link JobOptions#meta()}) as a JSON object,
 * or {@code null}
 */
public record JobStatus(UUID id, String type, String queue, JobState status, int attempts, int maxAttempts,
		String payload, @Nullable String result, @Nullable String error, @Nullable Double progress,
		@Nullable String progressMessage, Instant createdAt, Instant runAt, @Nullable Instant startedAt,
		@Nullable Instant completedAt, @Nullable String webhookUrl, @Nullable String webhookStatus, int webhookAttempts,
		@Nullable String webhookLastError, @Nullable String meta) {

}
