package io.jetway.publish;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import org.jspecify.annotations.Nullable;

/**
 * Tells a failure to store a message that is the infrastructure's from one that is the
 * message's. The infrastructure's: NATS disconnected, slow or unreachable (no PubAck in
 * time, I/O errors) while a stream captures the subject, a stream that captures the
 * subject but did not answer (the server's 503 "no responders" while the stream elects a
 * leader), JetStream's errors that say it is unavailable (see
 * {@link #UNAVAILABLE_ERRORS}) and its slow-down answers (code 429). The message's: no
 * stream captures the subject (asked with {@code $JS.API.STREAM.NAMES} and the subject as
 * filter, after no responders, no PubAck in time or an answer that is no PubAck, as from
 * a core subscriber), or any other rejection by the stream, whatever its code: JetStream
 * answers a DiscardNew limit ("maximum messages per subject exceeded", error 10077) with
 * code 503 too. Only the message's failures may spend a delivery attempt.
 */
public class PublishOutages {

	/**
	 * JetStream's own error codes that say it cannot store anything right now, not that
	 * it rejects this message: 10008 JetStream system temporarily unavailable, 10023
	 * insufficient resources, 10039 JetStream not enabled for account, 10076 JetStream
	 * not enabled, 10163 expected last sequence per subject temporarily unavailable
	 * (nats-server {@code errors.json}).
	 */
	static final Set<Integer> UNAVAILABLE_ERRORS = Set.of(10008, 10023, 10039, 10076, 10163);

	/** The HTTP-style code of JetStream's "too many requests" answers. */
	private static final int TOO_MANY_REQUESTS = 429;

	private final Connection connection;

	public PublishOutages(Connection connection) {
		this.connection = connection;
	}

	/**
	 * @return a check that asks the server about each subject at most once
	 */
	public Check check() {
		return new Check();
	}

	/**
	 * Classifies the failures of one batch of publishes.
	 */
	public final class Check {

		private final Map<String, Optional<List<String>>> capturing = new HashMap<>();

		private boolean jetStreamSilent;

		private Check() {
		}

		/**
		 * @param subject the subject as sent
		 * @param failure what the publish failed with
		 * @return why this is an outage, or {@code null} when the failure is the
		 * message's own
		 */
		public @Nullable String outage(String subject, Throwable failure) {
			if (PublishOutages.this.connection.getStatus() != Connection.Status.CONNECTED) {
				return "NATS is not connected (" + PublishOutages.this.connection.getStatus() + ")";
			}
			Throwable cause = PublishFailures.unwrap(failure);
			if (PublishFailures.isNoStream(cause)) {
				List<String> streams = streamsCapturing(subject).orElse(null);
				if (streams == null) {
					return "no responders for subject '" + subject + "' and JetStream did not answer which stream "
							+ "captures it: JetStream is unavailable";
				}
				if (!streams.isEmpty()) {
					return "no responders for subject '" + subject + "' although stream " + streams
							+ " captures it: the stream has no leader (an election, or its servers are down)";
				}
				return null;
			}
			if (cause instanceof JetStreamApiException api) {
				if (api.getErrorCode() == TOO_MANY_REQUESTS || UNAVAILABLE_ERRORS.contains(api.getApiErrorCode())) {
					return "JetStream is unavailable for subject '" + subject + "': " + api.getErrorDescription()
							+ " (error " + api.getApiErrorCode() + ")";
				}
				return null;
			}
			if (cause instanceof TimeoutException || cause instanceof CancellationException
					|| cause instanceof IOException || cause instanceof InterruptedException
					|| cause instanceof IllegalStateException) {
				if (capturesNothing(subject)) {
					// a core subscriber, not a stream, got it: silent, or with an
					// answer that is no PubAck
					return null;
				}
				return "no PubAck for subject '" + subject + "': NATS is slow or unreachable (" + cause + ")";
			}
			return null;
		}

		/**
		 * @param subject the subject as sent
		 * @param failure what the publish failed with, {@link #outage} being {@code null}
		 * @return a one-line description of the message's failure, as stored in an outbox
		 * row's last error
		 */
		public String error(String subject, Throwable failure) {
			Throwable cause = PublishFailures.unwrap(failure);
			boolean capturesNothing = this.capturing.getOrDefault(subject, Optional.empty())
				.map(List::isEmpty)
				.orElse(false);
			if (capturesNothing && !PublishFailures.isNoStream(cause) && !(cause instanceof JetStreamApiException)) {
				String answer = (cause instanceof TimeoutException || cause instanceof CancellationException)
						? "no PubAck in time" : "an answer that is no PubAck: " + cause.getMessage();
				return NoStreamForSubjectException.describe(subject,
						"a core subscriber, not a stream, received it: " + answer);
			}
			return PublishFailures.describe(subject, failure);
		}

		private boolean capturesNothing(String subject) {
			return streamsCapturing(subject).map(List::isEmpty).orElse(false);
		}

		/**
		 * @return the streams capturing the subject, empty when JetStream does not answer
		 * (asked once per subject and check, and not at all once a request of this check
		 * went unanswered: each takes its whole timeout, while the relay holds its rows)
		 */
		private Optional<List<String>> streamsCapturing(String subject) {
			if (this.jetStreamSilent) {
				return this.capturing.getOrDefault(subject, Optional.empty());
			}
			return this.capturing.computeIfAbsent(subject, (key) -> {
				try {
					JetStreamManagement management = PublishOutages.this.connection.jetStreamManagement();
					return Optional.of(management.getStreamNames(key));
				}
				catch (IOException | JetStreamApiException | RuntimeException ex) {
					this.jetStreamSilent = true;
					return Optional.empty();
				}
			});
		}

	}

}
