package io.jetway.consumer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import io.jetway.publish.JetwayHeaders;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The dead-letter stream ({@code JETWAY_DLQ}, namespace applied): list what is there and
 * why, and republish messages to their original subject so that the consumer that gave up
 * on them handles them again. Only that consumer: the copy names it
 * ({@link DeadLetterHeaders#REPLAY_CONSUMER}) and every other consumer of the subject
 * acknowledges it without running its handler. The copy keeps the message id consumers
 * knew the original by ({@link DeadLetterHeaders#REPLAY_MESSAGE_ID}), so the inbox
 * recognises it, and gets a {@code Nats-Msg-Id} of its own derived from its dead-letter
 * sequence and a digest of its content (headers, failure time, body), so the stream
 * neither drops it as a duplicate of the original nor stores it twice when it is
 * republished twice within the duplicate window, and a different dead letter that got the
 * same sequence in a recreated dead-letter stream is not taken for an earlier replay.
 */
public class DeadLetters {

	private static final Log logger = LogFactory.getLog(DeadLetters.class);

	private static final int NO_MESSAGE_FOUND = 10037;

	/** JetStream's error code of a message delete that failed, such as of no message. */
	private static final int DELETE_FAILED = 10057;

	private final JetStreamManagement management;

	private final JetStream jetStream;

	private final String stream;

	private final String subjectPrefix;

	/**
	 * @param stream the dead-letter stream, namespace applied
	 * @param subjectPrefix the default dead-letter subjects' prefix, namespace applied
	 * ({@code jetway.dlq})
	 */
	public DeadLetters(JetStreamManagement management, JetStream jetStream, String stream, String subjectPrefix) {
		this.management = management;
		this.jetStream = jetStream;
		this.stream = stream;
		this.subjectPrefix = subjectPrefix;
	}

	public DeadLetters(JetStreamManagement management, JetStream jetStream, String stream) {
		this(management, jetStream, stream, JetStreamListenerRegistry.DEAD_LETTER_SUBJECT_PREFIX);
	}

	/**
	 * The last token of a default dead-letter subject
	 * ({@code jetway.dlq.<stream>.<consumer>.<token>}): the first 22 characters of the
	 * URL-safe Base64 SHA-256 of the message id, a valid subject token whatever the id
	 * holds.
	 * @param messageId the id consumers knew the message by
	 * ({@link MessageContext#messageId()})
	 * @return the token
	 */
	public static String messageIdToken(String messageId) {
		byte[] digest = sha256().digest(messageId.getBytes(StandardCharsets.UTF_8));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
	}

	/**
	 * Finds the dead letter of one message without reading any other: one direct get of
	 * the last message on its subject {@code jetway.dlq.<stream>.<consumer>.<token>}.
	 * Only dead letters under the default subject can be found (those under a custom
	 * {@code dead-letter-subject}, and those stored before the subject carried the token,
	 * are listed by {@link #list(Predicate, int)}).
	 * @param stream the stream the consumer reads, as configured
	 * ({@code jetway.consumers.<name>.stream}, without namespace)
	 * @param consumer the consumer that gave up on the message
	 * @param messageId the id consumers knew it by ({@link MessageContext#messageId()}:
	 * its {@code Nats-Msg-Id}, the outbox message id for messages Jetway published)
	 * @return its latest dead letter, empty when there is none
	 */
	public Optional<DeadLetter> find(String stream, String consumer, String messageId) {
		String subject = this.subjectPrefix + "." + stream + "." + consumer + "." + messageIdToken(messageId);
		try {
			return Optional.of(deadLetter(this.management.getLastMessage(this.stream, subject)));
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == NO_MESSAGE_FOUND) {
				return Optional.empty();
			}
			throw new IllegalStateException("Could not read the dead letter on " + subject + " from " + this.stream
					+ ": " + ex.getErrorDescription(), ex);
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Could not read the dead letter on " + subject + " from " + this.stream + ": " + ex, ex);
		}
	}

	/**
	 * @param limit the most dead letters to return
	 * @return dead letters, oldest first
	 */
	public List<DeadLetter> list(int limit) {
		return list((deadLetter) -> true, limit);
	}

	/**
	 * @param filter the dead letters to return
	 * @param limit the most dead letters to return
	 * @return dead letters the filter accepts, oldest first
	 */
	public List<DeadLetter> list(Predicate<DeadLetter> filter, int limit) {
		return listAfter(0, filter, limit);
	}

	/**
	 * Reads the stream one stored message at a time (a get of the next message at or
	 * after a sequence): the sequences of dead letters republished or discarded cost no
	 * read. Dead letters stored after the listing began are not listed, so that a listing
	 * ends while consumers keep dead-lettering.
	 * @param afterSequence the sequence the listing starts after (0 for the oldest)
	 * @param filter the dead letters to return
	 * @param limit the most dead letters to return
	 * @return dead letters with a higher sequence that the filter accepts, oldest first
	 */
	public List<DeadLetter> listAfter(long afterSequence, Predicate<DeadLetter> filter, int limit) {
		if (afterSequence < 0 || afterSequence == Long.MAX_VALUE) {
			throw new IllegalArgumentException("The sequence to list after is " + afterSequence
					+ "; give 0 (the oldest) or a dead letter's sequence");
		}
		List<DeadLetter> deadLetters = new ArrayList<>();
		long sequence = afterSequence + 1;
		try {
			long last = this.management.getStreamInfo(this.stream).getStreamState().getLastSequence();
			while (deadLetters.size() < limit && sequence <= last) {
				MessageInfo message = next(sequence);
				if (message == null || message.getSeq() > last) {
					break;
				}
				if (message.getSeq() < sequence) {
					throw new IllegalStateException("asked for the dead letter at or after sequence " + sequence
							+ " and got sequence " + message.getSeq());
				}
				DeadLetter deadLetter = deadLetter(message);
				if (filter.test(deadLetter)) {
					deadLetters.add(deadLetter);
				}
				sequence = message.getSeq() + 1;
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not read the dead-letter stream " + this.stream + ": " + ex, ex);
		}
		return deadLetters;
	}

	private @Nullable MessageInfo next(long sequence) throws IOException, JetStreamApiException {
		try {
			return this.management.getNextMessage(this.stream, sequence, ">");
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == NO_MESSAGE_FOUND) {
				return null;
			}
			throw ex;
		}
	}

	/**
	 * Publishes a dead letter to its original subject, for the consumer that gave up on
	 * it only, and removes it from the dead-letter stream.
	 * @param sequence its sequence in the dead-letter stream
	 * @return whether it existed
	 */
	public boolean republish(long sequence) {
		DeadLetter deadLetter = get(sequence);
		if (deadLetter == null) {
			return false;
		}
		republish(deadLetter);
		return true;
	}

	/**
	 * Deletes a dead letter without republishing it: the message is given up for good.
	 * @param sequence its sequence in the dead-letter stream
	 * @return whether it existed
	 */
	public boolean discard(long sequence) {
		try {
			return this.management.deleteMessage(this.stream, sequence);
		}
		catch (JetStreamApiException ex) {
			// the server answers a delete of no message with the general delete error
			if (ex.getApiErrorCode() == DELETE_FAILED && get(sequence) == null) {
				return false;
			}
			throw new IllegalStateException("Could not discard dead letter " + sequence + ": " + ex, ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not discard dead letter " + sequence + ": " + ex, ex);
		}
	}

	/**
	 * Republishes every dead letter the filter accepts.
	 * @return how many were republished
	 */
	public int republishAll(Predicate<DeadLetter> filter) {
		List<DeadLetter> matching = list(filter, Integer.MAX_VALUE);
		matching.forEach(this::republish);
		return matching.size();
	}

	private void republish(DeadLetter deadLetter) {
		Headers headers = new Headers();
		for (String key : deadLetter.headers().keySet()) {
			if (!key.startsWith("Jetway-Dlq-") && !key.startsWith("Jetway-Replay-")
					&& !key.equalsIgnoreCase(JetwayHeaders.NATS_MSG_ID)) {
				headers.put(key, deadLetter.headers().get(key));
			}
		}
		String messageId = deadLetter.headers().getFirst(DeadLetterHeaders.MESSAGE_ID);
		if (messageId != null && !messageId.isBlank()) {
			headers.put(DeadLetterHeaders.REPLAY_MESSAGE_ID, messageId);
		}
		if (!deadLetter.consumer().isEmpty()) {
			headers.put(DeadLetterHeaders.REPLAY_CONSUMER, deadLetter.consumer());
		}
		headers.put(JetwayHeaders.NATS_MSG_ID, replayId(deadLetter));
		try {
			PublishAck ack = this.jetStream.publish(NatsMessage.builder()
				.subject(deadLetter.originalSubject())
				.headers(headers)
				.data(deadLetter.body())
				.build());
			// a duplicate is a copy of this very dead letter (same sequence and content)
			// published earlier, whose deletion did not happen: it is stored, so the dead
			// letter can go
			logDuplicate(ack, deadLetter);
			this.management.deleteMessage(this.stream, deadLetter.sequence());
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not republish dead letter " + deadLetter.sequence() + " to '"
					+ deadLetter.originalSubject() + "': " + ex, ex);
		}
	}

	/**
	 * New to the target stream's duplicate window (the original id may still be in it),
	 * the same for a second republish of this dead letter, and different for another dead
	 * letter stored under the same sequence after the dead-letter stream was recreated.
	 */
	private String replayId(DeadLetter deadLetter) {
		MessageDigest digest = sha256();
		List<String> keys = new ArrayList<>(deadLetter.headers().keySet());
		Collections.sort(keys);
		for (String key : keys) {
			List<String> values = deadLetter.headers().get(key);
			digest.update((key + "\0" + ((values != null) ? String.join("\0", values) : "") + "\n")
				.getBytes(StandardCharsets.UTF_8));
		}
		digest.update(deadLetter.body());
		String content = Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest()).substring(0, 22);
		return "replay:" + this.stream + ":" + deadLetter.sequence() + ":" + content;
	}

	private static void logDuplicate(PublishAck ack, DeadLetter deadLetter) {
		if (ack.isDuplicate() && logger.isInfoEnabled()) {
			logger.info("Dead letter " + deadLetter.sequence() + " had been republished before (stream "
					+ ack.getStream() + " sequence " + ack.getSeqno() + "); removing it from the dead-letter stream");
		}
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

	private @Nullable DeadLetter get(long sequence) {
		MessageInfo message;
		try {
			message = this.management.getMessage(this.stream, sequence);
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == NO_MESSAGE_FOUND) {
				return null;
			}
			throw new IllegalStateException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return deadLetter(message);
	}

	private static DeadLetter deadLetter(MessageInfo message) {
		long sequence = message.getSeq();
		Headers headers = (message.getHeaders() != null) ? message.getHeaders() : new Headers();
		String failedAt = headers.getFirst(DeadLetterHeaders.FAILED_AT);
		return new DeadLetter(sequence, value(headers, DeadLetterHeaders.ORIGINAL_SUBJECT),
				value(headers, DeadLetterHeaders.ORIGINAL_STREAM),
				parseLong(headers.getFirst(DeadLetterHeaders.ORIGINAL_SEQUENCE)),
				value(headers, DeadLetterHeaders.CONSUMER), parseLong(headers.getFirst(DeadLetterHeaders.DELIVERIES)),
				value(headers, DeadLetterHeaders.EXCEPTION), value(headers, DeadLetterHeaders.ERROR),
				(failedAt != null) ? Instant.parse(failedAt) : null,
				(message.getData() != null) ? message.getData() : new byte[0], headers);
	}

	private static String value(Headers headers, String name) {
		String value = headers.getFirst(name);
		return (value != null) ? value : "";
	}

	private static long parseLong(@Nullable String value) {
		try {
			return (value != null) ? Long.parseLong(value) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
