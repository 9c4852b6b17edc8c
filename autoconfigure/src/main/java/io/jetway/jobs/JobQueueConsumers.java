package io.jetway.jobs;

import java.time.Duration;

import io.jetway.jobs.JobsProperties.QueueProperties;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;

/**
 * The durable pull consumer of a job queue, one per queue, shared by the in-process
 * workers and the external workers' FETCH: a work-queue stream allows one consumer per
 * subject, so both must ask for the same one.
 */
public final class JobQueueConsumers {

	/**
	 * The delay of a negative acknowledgement in nanoseconds, as NATS takes it: a delay
	 * longer than a {@code long} of nanoseconds (a run time some 292 years ahead) is
	 * capped to the longest, where {@link Duration#toNanos()} would overflow.
	 * @param delay how long the message should wait before it is redelivered
	 * @return the delay in nanoseconds, 0 for a negative one
	 */
	public static long nakDelayNanos(Duration delay) {
		try {
			return Math.max(0, delay.toNanos());
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	private JobQueueConsumers() {
	}

	/**
	 * @param queue the queue
	 * @return the durable consumer's name
	 */
	public static String name(String queue) {
		return "jetway-jobs-" + queue;
	}

	/**
	 * @param queue the queue
	 * @param subject its subject, namespace applied
	 * @param properties its settings
	 * @return the consumer's configuration
	 */
	public static ConsumerConfiguration configuration(String queue, String subject, QueueProperties properties) {
		return ConsumerConfiguration.builder()
			.durable(name(queue))
			.filterSubject(subject)
			.ackPolicy(AckPolicy.Explicit)
			.deliverPolicy(DeliverPolicy.All)
			.ackWait(properties.getAckWait())
			.maxDeliver(-1)
			.maxAckPending(Math.max(1000, properties.getConcurrency() * 4))
			.build();
	}

}
