package io.jetway.test.nats;

import java.time.Duration;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class NatsClusterProcessTests {

	private static final Duration ELECTION = Duration.ofSeconds(20);

	@ParameterizedTest
	@ValueSource(strings = { "default", "2.15" })
	void electsNewLeadersWhenTheLeadingNodesAreKilledAndTakesThemBack(String version) throws Exception {
		NatsServerBinary binary = version.equals("default") ? NatsServerBinary.DEFAULT : NatsServerBinary.of(version);
		try (NatsClusterProcess cluster = NatsClusterProcess.start(binary)) {
			assertThat(cluster.urls()).hasSize(3);
			assertThat(cluster.url()).isEqualTo(String.join(",", cluster.urls()));
			try (Connection connection = Nats
				.connect(Options.builder().servers(cluster.urls().toArray(String[]::new)).build())) {
				JetStreamManagement jsm = connection.jetStreamManagement();
				jsm.addStream(StreamConfiguration.builder()
					.name("CLUSTERED")
					.subjects("clustered.>")
					.storageType(StorageType.File)
					.replicas(3)
					.build());
			}
			int streamLeader = cluster.awaitStreamLeader("CLUSTERED", ELECTION);
			cluster.kill(streamLeader);
			int newStreamLeader = cluster.awaitStreamLeader("CLUSTERED", ELECTION);
			assertThat(newStreamLeader).isNotEqualTo(streamLeader);
			cluster.restart(streamLeader);
			cluster.awaitReady(ELECTION);

			int metaLeader = cluster.awaitMetaLeader(ELECTION);
			cluster.stop(metaLeader);
			int newMetaLeader = cluster.awaitMetaLeader(ELECTION);
			assertThat(newMetaLeader).isNotEqualTo(metaLeader);
			assertThat(cluster.metaLeader()).contains(newMetaLeader);
			cluster.restart(metaLeader);
			cluster.awaitReady(ELECTION);
			assertThat(cluster.node(metaLeader).isRunning()).isTrue();
		}
	}

}
