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
 * dropped, its connection kept) for longer than the ack wait, then healed. Its database
 * stays reachable, so it goes on committing operations and finishing handlers whose acks
 * never arrive, while the other instance gets their messages again.
 */
class PartitionScenarios {

	/** Longer than the workload's ack wait (5 s) of the listener and the job queue. */
	private static final Duration PARTITION = Duration.ofSeconds(12);

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
				proxy.blackhole();
			}, () -> {
				WorkloadRun.holdOutage(PARTITION, () -> true);
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
