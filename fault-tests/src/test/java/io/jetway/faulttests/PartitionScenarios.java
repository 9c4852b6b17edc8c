package io.jetway.faulttests;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.jetway.test.nats.NatsServerProcess;
import io.jetway.test.net.FaultProxy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 6 of docs/reliability.md: one of two instances cut off from NATS (its bytes
 * dropped, its connection kept) for longer than the ack wait, then healed. The cut comes
 * with a message of the listener on its way to the instance, so that at least one is lost
 * in flight and must be redelivered. Its database stays reachable, so it goes on
 * committing operations and finishing handlers whose acks never arrive, while the other
 * instance gets their messages again.
 */
class PartitionScenarios {

	/** Longer than the workload's ack wait (5 s) of the listener and the job queue. */
	private static final Duration PARTITION = Duration.ofSeconds(12);

	/**
	 * The reply subject of a message the server delivers for the workload's listener
	 * (consumer {@code effects} of stream {@code OPERATIONS}).
	 */
	private static final String IN_FLIGHT_TO_LISTENER = "$JS.ACK.OPERATIONS.effects.";

	/** What Jetway logs when its NATS connection breaks (NatsConnectionEventLogger). */
	private static final String DISCONNECTED = "Disconnected from NATS at ";

	@Test
	void instancePartitionedFromNatsLongerThanAckWait() {
		try (NatsServerProcess nats = NatsServers.machine().start();
				FaultProxy proxy = FaultProxy.to("127.0.0.1", nats.port());
				WorkloadRun run = new WorkloadRun("partition " + PARTITION.toSeconds() + "s, 2 instances",
						NatsServers.machine().version(), ScenarioDatabase.shared(), PARTITION)) {
			Map<String, String> instances = new LinkedHashMap<>();
			instances.put("partitioned", proxy.url("nats"));
			instances.put("connected", nats.url());
			WorkloadInstance partitioned = run.startInstances(instances).get(0);
			run.awaitProgress(run.operations() / 3);
			long disconnectsBefore = partitioned.linesContaining(DISCONNECTED);
			run.fault("partitioned instance cut off from NATS", () -> {
				assertThat(proxy.openConnections()).as("live connections of the partitioned instance through the proxy")
					.isPositive();
				// cut as a message of the listener's consumer is on its way to the
				// instance: lost with the partition, it is redelivered to the other one
				// after the ack wait. A cut at a random moment could fall between its
				// deliveries (short pulls), leaving nothing in flight to redeliver.
				proxy.blackholeFrom(IN_FLIGHT_TO_LISTENER);
				await("a message of consumer effects on its way to the partitioned instance")
					.atMost(Duration.ofSeconds(30))
					.until(proxy::isBlackholed);
			}, () -> {
				WorkloadRun.holdOutage(PARTITION, proxy::isBlackholed);
				proxy.heal();
				// heal closes every connection that lost bytes: the instance notices only
				// then
				await("the partitioned instance logs that its NATS connection broke").atMost(Duration.ofSeconds(15))
					.until(() -> partitioned.linesContaining(DISCONNECTED) > disconnectsBefore);
			});
			RunResult result = run.finish(nats.url());
			result.assertHolds(run.expectedOperations(), run.operations());
			assertThat(run.redeliveredInboxMessages("effects"))
				.as("events processed on a redelivery (first delivered to the partitioned instance, "
						+ "their ack or the message itself lost)\n" + result)
				.isPositive();
		}
	}

}
