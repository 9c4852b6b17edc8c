package io.jetway.inbox;

import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;

/**
 * The inbox's view of a delivered message.
 *
 * @param consumer the consumer
 * @param messageId the id it is deduplicated by
 * @param subject its subject
 * @param stream its stream
 * @param streamSequence its stream sequence
 * @param deliveries its delivery count
 */
record InboxEntry(String consumer, String messageId, String subject, String stream, long streamSequence,
		long deliveries) {

	static InboxEntry of(String consumer, String messageId, Message message) {
		NatsJetStreamMetaData metaData = message.metaData();
		return new InboxEntry(consumer, messageId, message.getSubject(), metaData.getStream(),
				metaData.streamSequence(), metaData.deliveredCount());
	}

}
