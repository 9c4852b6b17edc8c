package io.jetway.consumer;

import java.util.ArrayList;
import java.util.List;

import io.jetway.consumer.DeadLetterPublisher.FailedMessage;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.MessageInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dead-letters messages that ran out of deliveries without a nak (the handler hung, the
 * instance died, the ack wait expired on the last delivery): the server announces them on
 * {@code $JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>}, and this
 * listener copies the message from the stream by its sequence to the dead-letter subject.
 * Every instance listens; the dead letter's derived message id keeps one copy.
 */
public class MaxDeliveriesAdvisoryListener {

	private static final Log logger = LogFactory.getLog(MaxDeliveriesAdvisoryListener.class);

	static final String EXCEPTION = "MaxDeliveriesExceeded";

	private final Connection connection;

	private final JetStreamManagement management;

	private final DeadLetterPublisher publisher;

	private final JsonMapper jsonMapper;

	private final List<Dispatcher> dispatchers = new ArrayList<>();

	public MaxDeliveriesAdvisoryListener(Connection connection, JetStreamManagement management,
			DeadLetterPublisher publisher, JsonMapper jsonMapper) {
		this.connection = connection;
		this.management = management;
		this.publisher = publisher;
		this.jsonMapper = jsonMapper;
	}

	public synchronized void watch(String stream, String consumer, String deadLetterSubject) {
		Dispatcher dispatcher = this.connection
			.createDispatcher((message) -> onAdvisory(message, stream, consumer, deadLetterSubject));
		dispatcher.subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + stream + "." + consumer);
		this.dispatchers.add(dispatcher);
	}

	public synchronized void close() {
		for (Dispatcher dispatcher : this.dispatchers) {
			try {
				this.connection.closeDispatcher(dispatcher);
			}
			catch (RuntimeException ex) {
				// connection already closed
			}
		}
		this.dispatchers.clear();
	}

	private void onAdvisory(Message advisory, String stream, String consumer, String deadLetterSubject) {
		long sequence = -1;
		try {
			JsonNode event = this.jsonMapper.readTree(advisory.getData());
			sequence = event.path("stream_seq").asLong(-1);
			long deliveries = event.path("deliveries").asLong(0);
			MessageInfo original = fetch(stream, sequence);
			if (original == null) {
				logger.warn("Consumer " + consumer + ": message " + stream + ":" + sequence + " ran out of "
						+ "deliveries but is no longer in the stream; nothing to dead-letter");
				return;
			}
			this.publisher.publish(deadLetterSubject,
					new FailedMessage(original.getSubject(), stream, sequence, consumer, deliveries, EXCEPTION,
							"The message was delivered " + deliveries + " times without being acknowledged "
									+ "(the ack wait expired on the last delivery)",
							(original.getData() != null) ? original.getData() : new byte[0], original.getHeaders()));
			logger.warn("Consumer " + consumer + ": message " + stream + ":" + sequence + " ran out of deliveries "
					+ "without an ack; dead-lettered to " + deadLetterSubject);
		}
		catch (Exception ex) {
			logger.error("Consumer " + consumer + ": could not dead-letter message " + stream + ":" + sequence
					+ " after its max-deliveries advisory: " + ex, ex);
		}
	}

	private @Nullable MessageInfo fetch(String stream, long sequence) {
		try {
			return this.management.getMessage(stream, sequence);
		}
		catch (Exception ex) {
			return null;
		}
	}

}
