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

}
