package io.jetway.consumer;

import java.util.List;

import io.nats.client.Message;

/**
 * Runs the handler for a group of messages and says how each ended. The container
 * acknowledges, redelivers or dead-letters according to the outcomes, after whatever
 * transaction the processor used has committed.
 */
public interface DeliveryProcessor {

	/**
	 * @param messages the messages, one or a fetched batch
	 * @return an outcome per message, in the same order
	 */
	List<DeliveryOutcome> process(List<Message> messages);

	/**
	 * @param message a message delivered beyond max-deliver, about to be dead-lettered
	 * without its handler
	 * @return what was recorded of its earlier deliveries
	 * @throws RuntimeException when the record cannot be read now (the message is then
	 * redelivered later, without a dead letter)
	 */
	default EarlierDeliveries earlierDeliveries(Message message) {
		return EarlierDeliveries.UNKNOWN;
	}

}
