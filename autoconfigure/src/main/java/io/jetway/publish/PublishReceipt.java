package io.jetway.publish;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * What became of a publish.
 *
 * @param id the message id ({@code Nats-Msg-Id})
 * @param subject the subject as sent, namespace included
 * @param stream the stream that stored it; {@code null} while it waits in the outbox
 * @param sequence the stream sequence, 0 while it waits in the outbox
 * @param duplicate whether JetStream recognised the id as a duplicate and did not store
 * it again
 * @param outboxed whether it was written to the outbox, to be published after commit
 */
public record PublishReceipt(UUID id, String subject, @Nullable String stream, long sequence, boolean duplicate,
		boolean outboxed) {

	public static PublishReceipt outboxed(UUID id, String subject) {
		return new PublishReceipt(id, subject, null, 0, false, true);
	}

}
