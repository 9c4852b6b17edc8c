package io.jetway.consumer;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

import io.jetway.publish.JetwayHeaders;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.jspecify.annotations.Nullable;

/**
 * Publishes a failed message to a dead-letter subject: the original body and headers plus
 * {@link DeadLetterHeaders}, among them the id consumers knew it by
 * ({@link DeadLetterHeaders#MESSAGE_ID}), which a republished copy keeps. Its
 * {@code Nats-Msg-Id} is derived from stream, sequence and consumer, so dead-lettering
 * the same message twice (after a crash, or by several instances reacting to one
 * advisory) stores it once.
 */
public class DeadLetterPublisher {

	/** JetStream's "message size exceeds maximum allowed". */
	private static final int MESSAGE_EXCEEDS_MAXIMUM = 10054;

	private final JetStream jetStream;

	private final Clock clock;

	public DeadLetterPublisher(JetStream jetStream, Clock clock) {
		this.jetStream = jetStream;
		this.clock = clock;
	}

	/**
	 * Publishes and waits for the PubAck.
	 * @throws DeadLetterException when JetStream did not store it; the caller must not
	 * terminate the original then
	 */
	public void publish(String deadLetterSubject, FailedMessage failed) {
		Headers headers = new Headers();
		if (failed.headers() != null) {
			for (String key : failed.headers().keySet()) {
				headers.put(key, failed.headers().get(key));
			}
		}
		String error = String.valueOf(failed.error());
		String messageId = MessageContext.headerId(failed.headers());
		headers.put(DeadLetterHeaders.MESSAGE_ID,
				(messageId != null) ? messageId : failed.stream() + ":" + failed.sequence());
		headers.put(JetwayHeaders.NATS_MSG_ID,
				"dlq:" + failed.stream() + ":" + failed.sequence() + ":" + failed.consumer());
		headers.put(DeadLetterHeaders.ORIGINAL_SUBJECT, failed.subject());
		headers.put(DeadLetterHeaders.ORIGINAL_STREAM, failed.stream());
		headers.put(DeadLetterHeaders.ORIGINAL_SEQUENCE, Long.toString(failed.sequence()));
		headers.put(DeadLetterHeaders.CONSUMER, failed.consumer());
		headers.put(DeadLetterHeaders.DELIVERIES, Long.toString(failed.deliveries()));
		headers.put(DeadLetterHeaders.EXCEPTION, failed.exceptionType());
		headers.put(DeadLetterHeaders.ERROR, oneLine(error));
		headers.put(DeadLetterHeaders.FAILED_AT, this.clock.instant().toString());
		try {
			try {
				store(deadLetterSubject, headers, failed.body());
			}
			catch (IOException | JetStreamApiException | RuntimeException ex) {
				if (!isTooLarge(ex) || failed.body().length == 0) {
					throw ex;
				}
				// never storable with its body: a stub, so that the message can be
				// terminated instead of being redelivered forever
				headers.put(DeadLetterHeaders.BODY_OMITTED, Integer.toString(failed.body().length));
				store(deadLetterSubject, headers, new byte[0]);
			}
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			throw new DeadLetterException("Could not dead-letter message " + failed.stream() + ":" + failed.sequence()
					+ " to '" + deadLetterSubject + "': " + ex.getMessage()
					+ ". Check that a stream captures the dead-letter subject (Jetway declares JETWAY_DLQ for "
					+ "the default subjects).", ex);
		}
	}

	private void store(String subject, Headers headers, byte[] body) throws IOException, JetStreamApiException {
		this.jetStream.publish(NatsMessage.builder().subject(subject).headers(headers).data(body).build(),
				PublishOptions.builder().streamTimeout(Duration.ofSeconds(5)).build());
	}

	/**
	 * Whether the dead letter failed for its size: larger than the server's
	 * {@code max_payload} (refused by the client) or than the stream's maximum message
	 * size (JetStream error 10054).
	 */
	private static boolean isTooLarge(Exception failure) {
		if (failure instanceof JetStreamApiException api) {
			return api.getApiErrorCode() == MESSAGE_EXCEEDS_MAXIMUM
					|| String.valueOf(api.getErrorDescription()).contains("message size exceeds maximum");
		}
		String message = String.valueOf(failure.getMessage());
		return failure instanceof IllegalArgumentException && message.contains("payload size exceed")
				|| message.contains("Maximum Payload Violation");
	}

	private static String oneLine(String text) {
		String line = text.replace('\r', ' ').replace('\n', ' ');
		return (line.length() > 1000) ? line.substring(0, 1000) : line;
	}

	/**
	 * What is known about a message that failed for good.
	 *
	 * @param subject its original subject
	 * @param stream its stream
	 * @param sequence its stream sequence
	 * @param consumer the consumer that gave up
	 * @param deliveries how often it was delivered
	 * @param exceptionType the failure's class name
	 * @param error the failure's message
	 * @param body the original body
	 * @param headers the original headers, or {@code null}
	 */
	public record FailedMessage(String subject, String stream, long sequence, String consumer, long deliveries,
			String exceptionType, String error, byte[] body, @Nullable Headers headers) {
	}

	/**
	 * Dead-lettering failed.
	 */
	public static class DeadLetterException extends RuntimeException {

		DeadLetterException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
