package io.jetway.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.Message;

/**
 * One pull from a durable consumer, shared by listener containers and job workers.
 */
public final class PullFetcher {

	private PullFetcher() {
	}

	/**
	 * Fetches what is available now, up to {@code count}; when nothing is, waits up to a
	 * second for the next message. The first pull is a plain no-wait pull (no expiry, so
	 * no idle heartbeat timer is set up for it), which every server answers at once.
	 * @param context the consumer
	 * @param count the most messages to fetch
	 * @param running whether the caller still runs; no waiting pull is made after it
	 * stops
	 * @return the messages, possibly none
	 */
	public static List<Message> fetch(ConsumerContext context, int count, BooleanSupplier running) throws Exception {
		List<Message> messages = drain(context.fetch(FetchConsumeOptions.builder().maxMessages(count).noWait().build()),
				count);
		if (messages.isEmpty() && running.getAsBoolean()) {
			messages = drain(context.fetch(FetchConsumeOptions.builder().maxMessages(1).expiresIn(1000).build()), 1);
		}
		return messages;
	}

	private static List<Message> drain(FetchConsumer fetch, int count) throws Exception {
		List<Message> messages = new ArrayList<>(count);
		try (fetch) {
			Message message;
			while ((message = fetch.nextMessage()) != null) {
				messages.add(message);
			}
		}
		return messages;
	}

}
