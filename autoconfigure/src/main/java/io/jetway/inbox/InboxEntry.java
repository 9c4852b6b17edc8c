package io.jetway.inbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;

/**
 * The inbox's view of a delivered message, with values that fit the inbox columns.
 * <p>
 * A message id longer than {@value #MAX_MESSAGE_ID_LENGTH} characters (possible from a
 * foreign producer's {@code Nats-Msg-Id}) is stored as {@code sha256:} and the SHA-256 of
 * its UTF-8 bytes in hex, so the primary key stays small and two ids that differ anywhere
 * stay apart. A subject longer than {@value #MAX_SUBJECT_LENGTH} characters is stored cut
 * to that length: it only describes the row (stream and sequence identify the message).
 *
 * @param consumer the consumer
 * @param messageId the id it is deduplicated by, as stored
 * @param subject its subject, as stored
 * @param stream its stream
 * @param streamSequence its stream sequence
 * @param deliveries its delivery count
 */
record InboxEntry(String consumer, String messageId, String subject, String stream, long streamSequence,
		long deliveries) {

	/** The length of {@code jetway_inbox.message_id}. */
	static final int MAX_MESSAGE_ID_LENGTH = 255;

	/** The length of {@code jetway_inbox.subject}. */
	static final int MAX_SUBJECT_LENGTH = 512;

	static InboxEntry of(String consumer, String messageId, Message message) {
		NatsJetStreamMetaData metaData = message.metaData();
		return new InboxEntry(consumer, storedMessageId(messageId), storedSubject(message.getSubject()),
				metaData.getStream(), metaData.streamSequence(), metaData.deliveredCount());
	}

	/**
	 * @param messageId a message id
	 * @return the id as the inbox stores it: unchanged, or hashed when too long
	 */
	static String storedMessageId(String messageId) {
		if (messageId.length() <= MAX_MESSAGE_ID_LENGTH) {
			return messageId;
		}
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(messageId.getBytes(StandardCharsets.UTF_8));
			return "sha256:" + HexFormat.of().formatHex(hash);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

	private static String storedSubject(String subject) {
		if (subject.length() <= MAX_SUBJECT_LENGTH) {
			return subject;
		}
		int end = Character.isHighSurrogate(subject.charAt(MAX_SUBJECT_LENGTH - 1)) ? MAX_SUBJECT_LENGTH - 1
				: MAX_SUBJECT_LENGTH;
		return subject.substring(0, end);
	}

}
