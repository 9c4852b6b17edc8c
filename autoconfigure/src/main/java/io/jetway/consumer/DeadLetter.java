package io.jetway.consumer;

import java.time.Instant;

import io.nats.client.impl.Headers;
import org.jspecify.annotations.Nullable;

/**
 * A message in the dead-letter stream with the reason it is there.
 *
 * @param sequence its sequence in the dead-letter stream
 * @param originalSubject the subject it was published to
 * @param originalStream the stream it came from
 * @param originalSequence its sequence there
 * @param consumer the consumer that gave up on it
 * @param deliveries how often it was delivered
 * @param exception the failure's class name
 * @param error the failure's message
 * @param failedAt when it was dead-lettered
 * @param body the original body
 * @param headers all headers, the dead-letter ones included
 */
public record DeadLetter(long sequence, String originalSubject, String originalStream, long originalSequence,
		String consumer, long deliveries, String exception, String error, @Nullable Instant failedAt, byte[] body,
		Headers headers) {

}
