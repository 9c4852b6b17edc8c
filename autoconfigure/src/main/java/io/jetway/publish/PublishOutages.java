package io.jetway.publish;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import org.jspecify.annotations.Nullable;

/**
 * Tells a failure to store a message that is the infrastructure's from one that is the
 * message's. The infrastructure's: NATS disconnected, slow or unreachable (no PubAck in
 * time, I/O errors), or a stream that captures the subject but did not answer (the
 * server's 503 "no responders" while the stream elects a leader). The message's: no
 * stream captures the subject (asked with {@code $JS.API.STREAM.NAMES} and the subject as
 * filter), or the stream rejected it. Only the message's failures may spend a delivery
 * attempt.
 */
public class PublishOutages {

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
			if (cause instanceof JetStreamApiException api && api.getErrorCode() == 503) {
				return "JetStream is unavailable for subject '" + subject + "': " + api.getErrorDescription();
			}
			if (cause instanceof TimeoutException || cause instanceof CancellationException
					|| cause instanceof IOException || cause instanceof InterruptedException
					|| cause instanceof IllegalStateException) {
				return "no PubAck for subject '" + subject + "': NATS is slow or unreachable (" + cause + ")";
			}
			return null;
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
