package io.jetway.consumer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import org.jspecify.annotations.Nullable;

/**
 * Pulls from a durable consumer through one long-lived pull subscription, shared by
 * listener containers and job workers.
 * <p>
 * One subscription for all pulls (rather than one per fetch, as jnats' simplified
 * {@code ConsumerContext.fetch} does) matters: with a subscription per fetch, a message
 * the server delivers after that fetch was closed reaches no subscriber, stays
 * unacknowledged and is redelivered only after the ack wait. This was measured here,
 * about one message in 300,000 with nats-server 2.9 and jnats 2.26, with every fetch
 * variant. With one subscription such a message waits in the subscription and the next
 * fetch returns it.
 * <p>
 * The subscription is made on the first fetch; {@link #close()} ends it (after a failure,
 * or when the caller stops) and a later fetch makes a new one. One thread fetches.
 */
public final class PullFetcher implements AutoCloseable {

	private static final Duration WAIT_FOR_NEXT = Duration.ofSeconds(1);

	private static final Duration READ_TIMEOUT = Duration.ofMillis(1500);

	private final JetStream jetStream;

	private final String stream;

	private final String durable;

	private @Nullable JetStreamSubscription subscription;

	/**
	 * @param jetStream the JetStream context
	 * @param stream the stream
	 * @param durable the existing durable pull consumer
	 */
	public PullFetcher(JetStream jetStream, String stream, String durable) {
		this.jetStream = jetStream;
		this.stream = stream;
		this.durable = durable;
	}

	private JetStreamSubscription subscription() throws IOException, JetStreamApiException {
		JetStreamSubscription current = this.subscription;
		if (current == null) {
			current = this.jetStream.subscribe(null, PullSubscribeOptions.bind(this.stream, this.durable));
			this.subscription = current;
		}
		return current;
	}

	/**
	 * Fetches what is available now, up to {@code count}; when nothing is, waits up to a
	 * second for the next message. Every server answers a no-wait pull at once.
	 * @param count the most messages to fetch
	 * @param running whether the caller still runs; no waiting pull is made after it
	 * stops
	 * @return the messages, possibly none
	 */
	public List<Message> fetch(int count, BooleanSupplier running)
			throws IOException, JetStreamApiException, InterruptedException {
		JetStreamSubscription subscription = subscription();
		List<Message> messages = new ArrayList<>(count);
		takeBuffered(subscription, messages, count);
		if (messages.size() < count) {
			subscription.pullNoWait(count - messages.size());
			read(subscription, messages, count);
		}
		if (messages.isEmpty() && running.getAsBoolean()) {
			subscription.pullExpiresIn(1, WAIT_FOR_NEXT);
			read(subscription, messages, 1);
		}
		return messages;
	}

	/**
	 * Reads messages of the pull just made until {@code count} are there or the pull
	 * ended (the server's no-messages or timeout status, which jnats turns into
	 * {@code null}).
	 */
	private static void read(JetStreamSubscription subscription, List<Message> messages, int count)
			throws InterruptedException {
		while (messages.size() < count) {
			Message message = subscription.nextMessage(READ_TIMEOUT);
			if (message == null) {
				return;
			}
			messages.add(message);
		}
	}

	/** Messages delivered for earlier pulls after they were read. */
	private static void takeBuffered(JetStreamSubscription subscription, List<Message> messages, int count)
			throws InterruptedException {
		while (messages.size() < count) {
			Message message = subscription.nextMessage((Duration) null);
			if (message == null) {
				return;
			}
			messages.add(message);
		}
	}

	/**
	 * Unsubscribes, if subscribed; messages delivered but not yet fetched are handed back
	 * to the server for redelivery. The next fetch subscribes again.
	 */
	@Override
	public void close() {
		JetStreamSubscription current = this.subscription;
		if (current == null) {
			return;
		}
		this.subscription = null;
		try {
			List<Message> left = new ArrayList<>();
			takeBuffered(current, left, Integer.MAX_VALUE);
			for (Message message : left) {
				message.nak();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			// the connection is gone: the server redelivers after the ack wait
		}
		try {
			current.unsubscribe();
		}
		catch (RuntimeException ex) {
			// already closed with the connection
		}
	}

}
