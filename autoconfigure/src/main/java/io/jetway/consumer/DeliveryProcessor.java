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

	/**
	 * Asked when a handler ignored its timeout's interrupt and is given up on: if the
	 * processor's database does not answer, the handler hangs in the database (one that
	 * stopped answering without closing its connections), which is an outage and not the
	 * handler's failure.
	 * @return whether the database the processor records deliveries in answers a bounded
	 * probe now; {@code true} for processors without a database
	 */
	default boolean databaseAnswers() {
		return true;
	}

}
