package io.jetway.outbox;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An outbox row as shown to operators, without its payload.
 *
 * @param id the row and message id
 * @param subject the subject, namespace included
 * @param status the state
 * @param attempts the publish attempts made
 * @param lastError why the last attempt failed, or {@code null}
 * @param createdAt when the row was written
 * @param sentAt when JetStream stored it, or {@code null}
 * @param stream the stream that stored it, or {@code null}
 * @param streamSequence its sequence in that stream, or {@code null}
 */
public record OutboxEntry(UUID id, String subject, OutboxStatus status, int attempts, @Nullable String lastError,
		@Nullable Instant createdAt, @Nullable Instant sentAt, @Nullable String stream, @Nullable Long streamSequence) {

}
