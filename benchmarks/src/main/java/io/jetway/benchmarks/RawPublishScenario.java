package io.jetway.benchmarks;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.jetway.support.MessageIds;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

/**
 * (a) Raw jnats: JetStream asynchronous publish with a unique {@code Nats-Msg-Id} per
 * message, at most {@value #WINDOW} PubAcks outstanding.
 */
final class RawPublishScenario {

	static final int WINDOW = 4_000;

	private RawPublishScenario() {
	}

	static ScenarioResult run(String natsUrl, BenchmarkOptions options) throws Exception {
		try (Connection connection = BenchStream.connect(natsUrl)) {
			BenchStream.recreate(connection);
			JetStream jetStream = connection.jetStream();
			publish(jetStream, 0, options.warmUpEvents());
			long start = System.nanoTime();
			publish(jetStream, options.warmUpEvents(), options.events());
			long elapsed = System.nanoTime() - start;
			BenchStream.expectMessages(connection, options.warmUpEvents() + options.events(), "(a)");
			return new ScenarioResult(options.events(), elapsed);
		}
	}

	static void publish(JetStream jetStream, long first, int count) throws Exception {
		ArrayDeque<CompletableFuture<PublishAck>> outstanding = new ArrayDeque<>(WINDOW);
		for (long sequence = first; sequence < first + count; sequence++) {
			Headers headers = new Headers().put("Nats-Msg-Id", MessageIds.next().toString());
			outstanding.add(jetStream.publishAsync(NatsMessage.builder()
				.subject(BenchEvent.SUBJECT)
				.headers(headers)
				.data(BenchEvent.of(sequence).toJson())
				.build()));
			if (outstanding.size() >= WINDOW) {
				outstanding.poll().get(30, TimeUnit.SECONDS);
			}
		}
		while (!outstanding.isEmpty()) {
			outstanding.poll().get(30, TimeUnit.SECONDS);
		}
	}

}
