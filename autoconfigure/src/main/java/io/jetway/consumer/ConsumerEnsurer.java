package io.jetway.consumer;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

import io.jetway.support.JetwayConfigurationException;
import io.jetway.topology.SkippedSubject;
import io.jetway.topology.StreamTopology;
import io.jetway.topology.Subjects;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Creates a durable pull consumer, updates it in place where the server allows, and
 * deletes and recreates it, with a WARN giving old and new values, where it does not
 * (deliver policy and start time always; the filter subject on servers before 2.9.12,
 * which accept the update but then deliver nothing).
 * <p>
 * When the server refuses the consumer and its filter subject is one the topology's
 * overlap-safe ensure skipped (another stream owns it), it fails with a
 * {@link JetwayConfigurationException} that names the consumer, the subject, the stream
 * that owns it and what to do, instead of the server's bare error.
 */
public class ConsumerEnsurer {

	private static final Log logger = LogFactory.getLog(ConsumerEnsurer.class);

	private static final int CONSUMER_NOT_FOUND = 10014;

	private final JetStreamManagement management;

	private final Connection connection;

	private final @Nullable StreamTopology topology;

	public ConsumerEnsurer(JetStreamManagement management, Connection connection) {
		this(management, connection, null);
	}

	/**
	 * @param management the JetStream management API
	 * @param connection the connection (for the server version)
	 * @param topology explains a refused filter subject by the subjects the topology
	 * skipped, or {@code null}
	 */
	public ConsumerEnsurer(JetStreamManagement management, Connection connection, @Nullable StreamTopology topology) {
		this.management = management;
		this.connection = connection;
		this.topology = topology;
	}

	public ConsumerInfo ensure(String stream, ConsumerConfiguration wanted) throws IOException, JetStreamApiException {
		return ensure(stream, wanted, null);
	}

	/**
	 * @param stream the stream (namespace applied)
	 * @param wanted the durable's configuration
	 * @param properties the property prefix that configures the consumer, such as
	 * {@code jetway.consumers.orders}, for messages; or {@code null}
	 * @return the durable as the server holds it now
	 * @throws JetwayConfigurationException when the server refuses the filter subject
	 * because the topology skipped it (another stream owns it)
	 */
	public ConsumerInfo ensure(String stream, ConsumerConfiguration wanted, @Nullable String properties)
			throws IOException, JetStreamApiException {
		// nats-server 2.10+ accepts a filter subject outside the stream's subjects (2.9
		// refuses it): a consumer of a subject another stream owns would wait forever
		String filter = emptyToNull(wanted.getFilterSubject());
		SkippedSubject owned = (filter != null)
				? skippedSubject(stream, (skip) -> !skip.isCaptured() && Subjects.covers(skip.subject(), filter))
				: null;
		if (owned != null) {
			throw skippedSubjectFailure(stream, wanted, properties, owned, "it would never receive a message", null);
		}
		try {
			return ensureDurable(stream, wanted);
		}
		catch (JetStreamApiException ex) {
			JetwayConfigurationException explained = explainSkippedSubject(stream, wanted, properties, ex);
			if (explained != null) {
				throw explained;
			}
			throw ex;
		}
	}

	private ConsumerInfo ensureDurable(String stream, ConsumerConfiguration wanted)
			throws IOException, JetStreamApiException {
		ConsumerInfo existing;
		try {
			existing = this.management.getConsumerInfo(stream, wanted.getDurable());
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() != CONSUMER_NOT_FOUND) {
				throw ex;
			}
			logger.info("Creating durable consumer " + wanted.getDurable() + " on stream " + stream);
			return this.management.addOrUpdateConsumer(stream, wanted);
		}
		ConsumerConfiguration current = existing.getConsumerConfiguration();
		List<String> fixed = immutableDifferences(current, wanted);
		if (!fixed.isEmpty()) {
			logger.warn("Durable consumer " + wanted.getDurable() + " on stream " + stream + " differs in "
					+ String.join(", ", fixed) + ", which the server cannot change in place: deleting and "
					+ "recreating it. It starts again at its deliver policy; unacknowledged messages are "
					+ "redelivered.");
			this.management.deleteConsumer(stream, wanted.getDurable());
			return this.management.addOrUpdateConsumer(stream, wanted);
		}
		if (!mutableDifferences(current, wanted).isEmpty()) {
			logger.info("Updating durable consumer " + wanted.getDurable() + " on stream " + stream + ": "
					+ String.join(", ", mutableDifferences(current, wanted)));
			return this.management.addOrUpdateConsumer(stream, wanted);
		}
		return existing;
	}

	private @Nullable JetwayConfigurationException explainSkippedSubject(String stream, ConsumerConfiguration wanted,
			@Nullable String properties, JetStreamApiException refusal) {
		String filter = emptyToNull(wanted.getFilterSubject());
		SkippedSubject skipped = skippedSubject(stream,
				(skip) -> !skip.isCaptured() && (filter == null || Subjects.overlaps(filter, skip.subject())));
		if (skipped == null) {
			return null;
		}
		return skippedSubjectFailure(stream, wanted, properties, skipped,
				"nats-server refused the consumer: " + refusal.getMessage(), refusal);
	}

	private @Nullable SkippedSubject skippedSubject(String stream, Predicate<SkippedSubject> relevant) {
		if (this.topology == null) {
			return null;
		}
		try {
			return this.topology.report()
				.streams()
				.stream()
				.filter((report) -> report.streamName().equals(stream))
				.flatMap((report) -> report.skipped().stream())
				.filter(relevant)
				.findFirst()
				.orElse(null);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the topology to check a consumer's filter subject: " + ex);
			return null;
		}
	}

	private JetwayConfigurationException skippedSubjectFailure(String stream, ConsumerConfiguration wanted,
			@Nullable String properties, SkippedSubject skipped, String consequence,
			@Nullable JetStreamApiException refusal) {
		String filter = emptyToNull(wanted.getFilterSubject());
		String problem = "Durable consumer '" + wanted.getDurable() + "' on stream " + stream
				+ ((filter != null) ? " cannot consume '" + filter + "'" : " cannot be created")
				+ ": the topology did not add subject '" + skipped.subject() + "' to the stream, because "
				+ skipped.describe() + "; " + consequence;
		String streamProperty = (properties != null) ? properties + ".stream" : "the consumer's stream";
		String filterProperty = (properties != null) ? properties + ".filter-subject" : "the filter subject";
		String action = (skipped.reason() == SkippedSubject.Reason.OVERLAPS_OTHER)
				? "Consume the subject from stream " + skipped.stream() + ", which owns it ('" + skipped.by()
						+ "'): set " + streamProperty + " to it; or narrow " + filterProperty + " to subjects stream "
						+ stream + " holds; or give this application subjects of its "
						+ "own with jetway.namespace.subject-prefix."
				: "Fix the stream's subjects (" + skipped.property() + ") so that nats-server accepts them, or narrow "
						+ filterProperty + " to subjects stream " + stream + " holds.";
		String property = (properties == null) ? null : (filter != null) ? filterProperty : streamProperty;
		return new JetwayConfigurationException(problem, property, action, refusal);
	}

	private List<String> immutableDifferences(ConsumerConfiguration current, ConsumerConfiguration wanted) {
		List<String> differences = new ArrayList<>();
		if (current.getDeliverPolicy() != wanted.getDeliverPolicy()) {
			differences.add("deliver policy (" + current.getDeliverPolicy() + " -> " + wanted.getDeliverPolicy() + ")");
		}
		if (wanted.getStartTime() != null && !sameInstant(current.getStartTime(), wanted.getStartTime())) {
			differences.add("start time (" + current.getStartTime() + " -> " + wanted.getStartTime() + ")");
		}
		if (!filterUpdatesInPlace() && !sameFilter(current, wanted)) {
			differences.add("filter subject (" + current.getFilterSubject() + " -> " + wanted.getFilterSubject() + ")");
		}
		return differences;
	}

	private List<String> mutableDifferences(ConsumerConfiguration current, ConsumerConfiguration wanted) {
		List<String> differences = new ArrayList<>();
		// a value jnats leaves unset (not positive) is not sent: the server applies its
		// default, which must not count as a difference on every start
		if (isSet(wanted.getAckWait()) && !Objects.equals(current.getAckWait(), wanted.getAckWait())) {
			differences.add("ack wait " + current.getAckWait() + " -> " + wanted.getAckWait());
		}
		if (current.getMaxDeliver() != wanted.getMaxDeliver()) {
			differences.add("max deliver " + current.getMaxDeliver() + " -> " + wanted.getMaxDeliver());
		}
		if (wanted.getMaxAckPending() > 0 && current.getMaxAckPending() != wanted.getMaxAckPending()) {
			differences.add("max ack pending " + current.getMaxAckPending() + " -> " + wanted.getMaxAckPending());
		}
		if (!sameFilter(current, wanted)) {
			differences.add("filter subject " + current.getFilterSubject() + " -> " + wanted.getFilterSubject());
		}
		return differences;
	}

	private static boolean isSet(@Nullable Duration duration) {
		return duration != null && duration.compareTo(Duration.ZERO) > 0;
	}

	private boolean filterUpdatesInPlace() {
		return this.connection.getServerInfo().isSameOrNewerThanVersion("2.9.12");
	}

	/**
	 * The server reports the start time in zone GMT, the configuration gives it in UTC:
	 * {@link ZonedDateTime#equals} tells those apart, the instants are the same.
	 */
	private static boolean sameInstant(@Nullable ZonedDateTime current, ZonedDateTime wanted) {
		return current != null && current.toInstant().equals(wanted.toInstant());
	}

	private static boolean sameFilter(ConsumerConfiguration current, ConsumerConfiguration wanted) {
		return Objects.equals(emptyToNull(current.getFilterSubject()), emptyToNull(wanted.getFilterSubject()));
	}

	private static @Nullable String emptyToNull(@Nullable String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

}
