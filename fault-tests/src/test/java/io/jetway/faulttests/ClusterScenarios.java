package io.jetway.faulttests;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.jetway.faulttests.NatsServers.NatsServer;
import io.jetway.test.nats.NatsClusterProcess;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 5 of docs/reliability.md: a three-node cluster, every stream and consumer at
 * three replicas, the application given all three URLs. The node the application is
 * connected to is killed with SIGKILL mid-run and started again later; then the JetStream
 * meta leader.
 */
class ClusterScenarios {

	private static final Duration DOWN = Duration.ofSeconds(5);

	private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

	@ParameterizedTest(name = "nats-server {0}")
	@MethodSource("io.jetway.faulttests.NatsServers#versions")
	void connectedNodeThenMetaLeaderKilled(NatsServer server) throws Exception {
		try (NatsClusterProcess cluster = server.startCluster();
				WorkloadRun run = new WorkloadRun("3-node cluster R3, kill -9 app's node, meta leader",
						server.version(), ScenarioDatabase.shared(), DOWN.multipliedBy(2))) {
			WorkloadInstance app = run.startInstance("app", cluster.url(), "--jetway.topology.default-replicas=3");
			Map<String, Integer> replicas = replicasOfEveryStreamAndConsumer(cluster.url());
			run.awaitProgress(run.operations() / 3);
			int connected = nodeOf(cluster, app.connectedNatsPort());
			run.fault("kill -9 of node " + connected + " (the app's)", () -> cluster.kill(connected), () -> {
				WorkloadRun.holdOutage(DOWN, () -> !cluster.node(connected).isRunning());
				cluster.restart(connected);
			});
			run.awaitProgress(run.operations() * 2 / 3);
			int metaLeader = cluster.awaitMetaLeader(LEADER_TIMEOUT);
			run.fault("kill -9 of node " + metaLeader + " (meta leader)", () -> cluster.kill(metaLeader), () -> {
				WorkloadRun.holdOutage(DOWN, () -> !cluster.node(metaLeader).isRunning());
				cluster.restart(metaLeader);
			});
			run.finish(cluster.url()).assertHolds(run.operations(), run.operations());
			assertThat(replicas).as("replicas of every stream and consumer the application uses")
				.allSatisfy((name, count) -> assertThat(count).as(name).isEqualTo(3));
		}
	}

	private static Map<String, Integer> replicasOfEveryStreamAndConsumer(String servers) throws Exception {
		Map<String, Integer> replicas = new TreeMap<>();
		try (Connection connection = Nats.connect(Options.builder().server(servers).build())) {
			JetStreamManagement management = connection.jetStreamManagement();
			for (String stream : List.of("OPERATIONS", "JOBS", "JETWAY_DLQ")) {
				replicas.put("stream " + stream, peers(management.getStreamInfo(stream).getClusterInfo()));
			}
			Map<String, String> consumers = Map.of("OPERATIONS", "effects", "JOBS", "jetway-jobs-effects");
			for (Map.Entry<String, String> consumer : consumers.entrySet()) {
				replicas.put("consumer " + consumer.getValue(),
						peers(management.getConsumerInfo(consumer.getKey(), consumer.getValue()).getClusterInfo()));
			}
		}
		return replicas;
	}

	private static int peers(@Nullable ClusterInfo cluster) {
		if (cluster == null) {
			return 0;
		}
		List<Replica> replicas = cluster.getReplicas();
		return 1 + ((replicas != null) ? replicas.size() : 0);
	}

	private static int nodeOf(NatsClusterProcess cluster, int port) {
		for (int index = 0; index < cluster.size(); index++) {
			if (cluster.node(index).port() == port) {
				return index;
			}
		}
		throw new IllegalStateException("No node of the cluster listens on port " + port);
	}

}
