package io.jetway.faulttests;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.jetway.test.nats.NatsServerProcess;
import io.jetway.test.net.FaultProxy;
import org.junit.jupiter.api.Test;

/**
 * Scenario 6 of docs/reliability.md: one of two instances cut off from NATS (its bytes
 * dropped, its connection kept) for longer than the ack wait, then healed. Its database
 * stays reachable, so it goes on committing operations and finishing handlers whose acks
 * never arrive, while the other instance gets their messages again.
 */
class PartitionScenarios {

	/** Longer than the workload's ack wait (5 s) of the listener and the job queue. */
	private static final Duration PARTITION = Duration.ofSeconds(12);

	@Test
	void instancePartitionedFromNatsLongerThanAckWait() {
		try (NatsServerProcess nats = NatsServers.machine().start();
				FaultProxy proxy = FaultProxy.to("127.0.0.1", nats.port());
				WorkloadRun run = new WorkloadRun("partition " + PARTITION.toSeconds() + "s, 2 instances",
						NatsServers.machine().version(), ScenarioDatabase.shared(), PARTITION)) {
			Map<String, String> instances = new LinkedHashMap<>();
			instances.put("partitioned", proxy.url("nats"));
			instances.put("connected", nats.url());
			run.startInstances(instances);
			run.awaitProgress(run.operations() / 3);
			run.fault("partitioned instance cut off from NATS", proxy::blackhole, () -> {
				WorkloadRun.holdOutage(PARTITION, () -> true);
				proxy.heal();
			});
			run.finish(nats.url()).assertHolds(run.expectedOperations(), run.operations());
		}
	}

}
