package io.jetway.consumer;

import java.util.Map;

/**
 * What the {@link DeliveryBatch batches} of one {@link ListenerContainer} share, across
 * its runs.
 *
 * @param name the consumer's name
 * @param processor runs the handler (and the inbox) for a batch's messages
 * @param settler acknowledges, redelivers or dead-letters a message after its outcome
 * @param observer the consumer's metrics
 * @param inFlight the messages held from their fetch until settled (in-progress acks)
 * @param watchdog gives up on handlers that run past the handler timeout
 * @param stillRunning the messages whose handler was given up on but still runs
 * @param runningBatches the batch each worker thread runs, for the watchdog
 */
record BatchServices(String name, DeliveryProcessor processor, DeliverySettler settler, ConsumerObserver observer,
		InFlightMessages inFlight, HandlerWatchdog watchdog, StillRunning stillRunning,
		Map<Thread, DeliveryBatch> runningBatches) {

}
