package io.jetway.publish;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import io.nats.client.JetStreamApiException;

/**
 * Explains why JetStream did not store a message, in words a user can act on. Shared by
 * direct publishing and the outbox relay so that both report a failure the same way.
 */
public final class PublishFailures {

	/** The status code 503 as a number of its own, not digits of a port or an id. */
	private static final Pattern NO_RESPONDERS = Pattern.compile("(?<![\\d.:-])503(?![\\d.:-])");

	private PublishFailures() {
	}

	/**
	 * @param subject the subject as sent
	 * @param failure what jnats threw or completed the PubAck future with
	 * @return the exception to throw to the caller
	 */
	public static JetwayPublishException translate(String subject, Throwable failure) {
		Throwable cause = unwrap(failure);
		if (isNoStream(cause)) {
			return new NoStreamForSubjectException(subject, cause);
		}
		return new JetwayPublishException(describe(subject, cause), cause);
	}

	/**
	 * @param subject the subject as sent
	 * @param failure what jnats threw or completed the PubAck future with
	 * @return a one-line description, as stored in an outbox row's last error
	 */
	public static String describe(String subject, Throwable failure) {
		Throwable cause = unwrap(failure);
		if (isNoStream(cause)) {
			return NoStreamForSubjectException.describe(subject);
		}
		if (cause instanceof JetStreamApiException api) {
			return "JetStream rejected the message for subject '" + subject + "': " + api.getErrorDescription()
					+ " (error " + api.getApiErrorCode() + ")";
		}
		if (cause instanceof TimeoutException || cause instanceof CancellationException) {
			return "No PubAck for subject '" + subject + "' in time: the server is slow or unreachable";
		}
		return "Publishing to subject '" + subject + "' failed: " + cause;
	}

	/**
	 * Whether the failure is the server's 503 "no responders" status, which jnats reports
	 * as an exception with the status in its message ({@code Error Publishing: 503 No
	 * Responders Available For Request}). Not a {@link JetStreamApiException}: that is
	 * the stream's own answer, whose description may hold "503" in a sequence or message
	 * id ({@code wrong last msg ID: order-503}); its 503 codes are JetStream's.
	 */
	static boolean isNoStream(Throwable cause) {
		String message = cause.getMessage();
		return !(cause instanceof JetStreamApiException) && message != null && NO_RESPONDERS.matcher(message).find();
	}

	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException
				|| (current.getClass() == RuntimeException.class)) && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
