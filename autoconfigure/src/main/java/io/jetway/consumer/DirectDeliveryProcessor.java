package io.jetway.consumer;

import java.util.ArrayList;
import java.util.List;

import io.nats.client.Message;

/**
 * Handles messages without an inbox: at-least-once, the handler must be idempotent.
 */
class DirectDeliveryProcessor implements DeliveryProcessor {

	private final ListenerInvoker invoker;

	DirectDeliveryProcessor(ListenerInvoker invoker) {
		this.invoker = invoker;
	}

	@Override
	public List<DeliveryOutcome> process(List<Message> messages) {
		List<DeliveryOutcome> outcomes = new ArrayList<>(messages.size());
		for (Message message : messages) {
			outcomes.add(this.invoker.invokeForOutcome(message));
		}
		return outcomes;
	}

}
