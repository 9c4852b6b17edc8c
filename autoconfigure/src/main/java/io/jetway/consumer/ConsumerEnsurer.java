package io.jetway.consumer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
 */
public class ConsumerEnsurer {

	private static final Log logger = LogFactory.getLog(ConsumerEnsurer.class);

	private static final int CONSUMER_NOT_FOUND = 10014;

	private final JetStreamManagement management;

	private final Connection connection;

	public ConsumerEnsurer(JetStreamManagement management, Connection connection) {
		this.management = management;
		this.connection = connection;
	}

	public ConsumerInfo ensure(String stream, ConsumerConfiguration wanted) throws IOException, JetStreamApiException {
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

	private List<String> immutableDifferences(ConsumerConfiguration current, ConsumerConfiguration wanted) {
		List<String> differences = new ArrayList<>();
		if (current.getDeliverPolicy() != wanted.getDeliverPolicy()) {
			differences.add("deliver policy (" + current.getDeliverPolicy() + " -> " + wanted.getDeliverPolicy() + ")");
		}
		if (!Objects.equals(current.getStartTime(), wanted.getStartTime()) && wanted.getStartTime() != null) {
			differences.add("start time (" + current.getStartTime() + " -> " + wanted.getStartTime() + ")");
		}
		if (!filterUpdatesInPlace() && !sameFilter(current, wanted)) {
			differences.add("filter subject (" + current.getFilterSubject() + " -> " + wanted.getFilterSubject() + ")");
		}
		return differences;
	}

	private List<String> mutableDifferences(ConsumerConfiguration current, ConsumerConfiguration wanted) {
		List<String> differences = new ArrayList<>();
		if (!Objects.equals(current.getAckWait(), wanted.getAckWait())) {
			differences.add("ack wait " + current.getAckWait() + " -> " + wanted.getAckWait());
		}
		if (current.getMaxDeliver() != wanted.getMaxDeliver()) {
			differences.add("max deliver " + current.getMaxDeliver() + " -> " + wanted.getMaxDeliver());
		}
		if (current.getMaxAckPending() != wanted.getMaxAckPending()) {
			differences.add("max ack pending " + current.getMaxAckPending() + " -> " + wanted.getMaxAckPending());
		}
		if (!sameFilter(current, wanted)) {
			differences.add("filter subject " + current.getFilterSubject() + " -> " + wanted.getFilterSubject());
		}
		return differences;
	}

	private boolean filterUpdatesInPlace() {
		return this.connection.getServerInfo().isSameOrNewerThanVersion("2.9.12");
	}

	private static boolean sameFilter(ConsumerConfiguration current, ConsumerConfiguration wanted) {
		return Objects.equals(emptyToNull(current.getFilterSubject()), emptyToNull(wanted.getFilterSubject()));
	}

	private static @Nullable String emptyToNull(@Nullable String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

}
