package io.jetway.consumer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.nats.client.Message;
import io.nats.client.impl.Headers;

/**
 * Lets a republished dead letter reach only the consumer that dead-lettered it: a message
 * whose {@link DeadLetterHeaders#REPLAY_CONSUMER} names another consumer is reported as
 * {@link DeliveryOutcome#DUPLICATE} (acknowledged, handler not run, inbox not touched);
 * every other message goes to the consumer's own processor. (With nats-server 2.9's
 * single filter subject per consumer, a replay subject of its own per consumer is not an
 * option.)
 */
final class DeadLetterReplayFilter implements DeliveryProcessor {

	private final String consumer;

	private final DeliveryProcessor delegate;

	DeadLetterReplayFilter(String consumer, DeliveryProcessor delegate) {
		this.consumer = consumer;
		this.delegate = delegate;
	}

	@Override
	public List<DeliveryOutcome> process(List<Message> messages) {
		boolean anyForOthers = false;
		for (Message message : messages) {
			anyForOthers |= isForAnotherConsumer(message);
		}
		if (!anyForOthers) {
			return this.delegate.process(messages);
		}
		DeliveryOutcome[] outcomes = new DeliveryOutcome[messages.size()];
		List<Message> own = new ArrayList<>(messages.size());
		List<Integer> ownIndexes = new ArrayList<>(messages.size());
		for (int i = 0; i < messages.size(); i++) {
			if (isForAnotherConsumer(messages.get(i))) {
				outcomes[i] = DeliveryOutcome.DUPLICATE;
			}
			else {
				own.add(messages.get(i));
				ownIndexes.add(i);
			}
		}
		if (!own.isEmpty()) {
			List<DeliveryOutcome> handled = this.delegate.process(own);
			for (int i = 0; i < handled.size(); i++) {
				outcomes[ownIndexes.get(i)] = handled.get(i);
			}
		}
		return Arrays.asList(outcomes);
	}

	@Override
	public EarlierDeliveries earlierDeliveries(Message message) {
		// another consumer's replay is never this consumer's to dead-letter
		return isForAnotherConsumer(message) ? new EarlierDeliveries(true, null)
				: this.delegate.earlierDeliveries(message);
	}

	private boolean isForAnotherConsumer(Message message) {
		Headers headers = message.getHeaders();
		if (headers == null) {
			return false;
		}
		String target = headers.getFirst(DeadLetterHeaders.REPLAY_CONSUMER);
		return target != null && !target.equals(this.consumer);
	}

	@Override
	public boolean databaseAnswers() {
		return this.delegate.databaseAnswers();
	}

}
