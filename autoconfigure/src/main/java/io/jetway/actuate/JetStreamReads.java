package io.jetway.actuate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.consumer.ListenerContainer;
import io.jetway.topology.Namespace;
import io.jetway.topology.StreamReport;
import io.jetway.topology.StreamTopology;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import org.jspecify.annotations.Nullable;

/**
 * What the health indicator and the endpoint read from JetStream: the declared streams
 * with their drift, the listeners' consumers, and the dead-letter counts per subject.
 * Each is one request per stream or consumer; a server that does not answer fails the
 * read with an {@link IOException}, one that answers with an error is reported per item.
 */
public class JetStreamReads {

	/** JetStream's error code of a stream or consumer that does not exist. */
	private static final int NOT_FOUND_STREAM = 10059;

	/**
	 * The last token of a default dead-letter subject: see DeadLetters#messageIdToken.
	 */
	private static final Pattern MESSAGE_ID_TOKEN = Pattern.compile("[A-Za-z0-9_-]{22}");

	private final Connection connection;

	private final JetStreamManagement management;

	private final Namespace namespace;

	JetStreamReads(Connection connection, JetStreamManagement management, Namespace namespace) {
		this.connection = connection;
		this.management = management;
		this.namespace = namespace;
	}

	/**
	 * Fails at once while the connection is not up, instead of waiting for requests that
	 * cannot be answered.
	 */
	private void requireConnected() throws IOException {
		Connection.Status status = this.connection.getStatus();
		if (status != Connection.Status.CONNECTED) {
			throw new IOException("the NATS connection is " + status);
		}
	}

	/**
	 * @param topology the topology that knows the declared streams
	 * @return every declared stream with its state on the server and its drift
	 */
	List<StreamFigures> streams(StreamTopology topology) throws IOException, JetStreamApiException {
		requireConnected();
		List<StreamFigures> streams = new ArrayList<>();
		for (StreamReport report : topology.report().streams()) {
			long messages = 0;
			long bytes = 0;
			if (report.settings() != null) {
				StreamInfo info = this.management.getStreamInfo(report.streamName());
				messages = info.getStreamState().getMsgCount();
				bytes = info.getStreamState().getByteCount();
			}
			streams.add(new StreamFigures(report.name(), report.streamName(), report.subjects(), messages, bytes,
					report.isConsistent(), report.problems()));
		}
		return streams;
	}

	/**
	 * @param registry the listener containers
	 * @return the state of every listener's consumer
	 * @throws IOException when the server does not answer
	 */
	List<ConsumerFigures> consumers(JetStreamListenerRegistry registry) throws IOException {
		requireConnected();
		List<ConsumerFigures> consumers = new ArrayList<>();
		for (ListenerContainer container : registry.getContainers()) {
			try {
				ConsumerInfo info = this.management.getConsumerInfo(container.getStream(), container.getName());
				consumers.add(new ConsumerFigures(container.getName(), container.getStream(), container.isRunning(),
						container.isPaused(), info.getNumPending(), info.getNumAckPending(), info.getRedelivered(),
						info.getConsumerConfiguration().getMaxAckPending(), null));
			}
			catch (JetStreamApiException ex) {
				consumers.add(new ConsumerFigures(container.getName(), container.getStream(), container.isRunning(),
						container.isPaused(), 0, 0, 0, 0, ex.getMessage()));
			}
		}
		return consumers;
	}

	/**
	 * The most subjects the dead-letter stream may hold for its counts to be broken down
	 * per consumer: each default dead letter has its own subject, and reading the
	 * subjects of a large stream takes longer than a health check may.
	 */
	static final long BREAKDOWN_MAX_SUBJECTS = 1000;

	/**
	 * Counts the dead letters, and per consumer while the stream holds at most
	 * {@value #BREAKDOWN_MAX_SUBJECTS} subjects. A dead letter's default subject names
	 * the consumer that gave up on it
	 * ({@code jetway.dlq.<stream>.<consumer>.<message id token>}), so the count per
	 * consumer is read from it; a dead letter under a custom {@code dead-letter-subject}
	 * is counted under that subject's last token. Beyond the cap the breakdown is left
	 * empty and marked capped, so that the read stays one small request whatever the
	 * number of dead letters.
	 * @return the counts, empty when the dead-letter stream does not exist
	 * @throws IOException when the server does not answer
	 */
	DeadLetterCounts deadLetters() throws IOException, JetStreamApiException {
		requireConnected();
		String stream = this.namespace.streamName(JetStreamListenerRegistry.DEAD_LETTER_STREAM);
		StreamInfo info;
		try {
			info = this.management.getStreamInfo(stream);
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == NOT_FOUND_STREAM) {
				return new DeadLetterCounts(stream, 0, Map.of(), false);
			}
			throw ex;
		}
		long total = info.getStreamState().getMsgCount();
		if (info.getStreamState().getSubjectCount() > BREAKDOWN_MAX_SUBJECTS) {
			return new DeadLetterCounts(stream, total, Map.of(), true);
		}
		List<Subject> subjects = this.management.getStreamInfo(stream, StreamInfoOptions.allSubjects())
			.getStreamState()
			.getSubjects();
		String defaultPrefix = this.namespace.subject(JetStreamListenerRegistry.DEAD_LETTER_SUBJECT_PREFIX) + ".";
		Map<String, Long> byConsumer = new TreeMap<>();
		if (subjects != null) {
			for (Subject subject : subjects) {
				byConsumer.merge(consumer(subject.getName(), defaultPrefix), subject.getCount(), Long::sum);
			}
		}
		return new DeadLetterCounts(stream, total, byConsumer, false);
	}

	/**
	 * The consumer a dead-letter subject names: {@code <consumer>} of the default
	 * {@code jetway.dlq.<stream>.<consumer>.<message id token>} (and of
	 * {@code jetway.dlq.<stream>.<consumer>}, stored before the token existed), the last
	 * token of any other (custom) subject, even one under the default prefix.
	 */
	static String consumer(String subject, String defaultPrefix) {
		if (subject.startsWith(defaultPrefix)) {
			String[] tokens = subject.substring(defaultPrefix.length()).split("\\.");
			if (tokens.length == 2 || (tokens.length == 3 && MESSAGE_ID_TOKEN.matcher(tokens[2]).matches())) {
				return tokens[1];
			}
		}
		return subject.substring(subject.lastIndexOf('.') + 1);
	}

	/**
	 * A declared stream.
	 *
	 * @param name its logical name
	 * @param streamName its name on the server
	 * @param subjects its subjects on the server
	 * @param messages messages it holds
	 * @param bytes bytes it holds
	 * @param consistent whether it exists with every declared subject and setting
	 * @param drift one line per missing stream, missing subject or drifted setting
	 */
	public record StreamFigures(String name, String streamName, List<String> subjects, long messages, long bytes,
			boolean consistent, List<String> drift) {
	}

	/**
	 * A listener's consumer.
	 *
	 * @param name the durable name
	 * @param stream its stream on the server
	 * @param running whether its container runs
	 * @param paused whether its container is paused
	 * @param lag messages not yet delivered (num pending)
	 * @param ackPending messages delivered and not yet acknowledged
	 * @param redelivered messages redelivered and not yet acknowledged
	 * @param maxAckPending the consumer's own max-ack-pending
	 * @param error the server's answer when the consumer could not be read, or
	 * {@code null}
	 */
	public record ConsumerFigures(String name, String stream, boolean running, boolean paused, long lag,
			long ackPending, long redelivered, long maxAckPending, @Nullable String error) {
	}

	/**
	 * Dead letters.
	 *
	 * @param stream the dead-letter stream
	 * @param total messages it holds
	 * @param byConsumer messages per consumer, empty when capped
	 * @param byConsumerCapped whether the stream held too many subjects
	 * ({@value #BREAKDOWN_MAX_SUBJECTS}) for the breakdown per consumer to be read
	 */
	public record DeadLetterCounts(String stream, long total, Map<String, Long> byConsumer, boolean byConsumerCapped) {
	}

}
