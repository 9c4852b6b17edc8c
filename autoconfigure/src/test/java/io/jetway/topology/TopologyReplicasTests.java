package io.jetway.topology;

import java.util.List;

import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How replicas are chosen: the declared value is followed both ways; without one,
 * {@code jetway.topology.default-replicas}, and a stream with more replicas on the server
 * keeps them. The server-side behaviour on a three-node cluster is in
 * {@code io.jetway.jobs.JobsClusterTests}.
 */
class TopologyReplicasTests {

	private static final StreamDeclaration JOBS = StreamDeclaration.of("JOBS", "jetway.jobs.queue.>")
		.withSettings(StreamSettings.builder().retention(RetentionPolicy.WorkQueue).description("jobs").build())
		.withSource("jetway.jobs.stream");

	@Test
	void aNewStreamWithoutDeclaredReplicasGetsTheDefault() {
		StreamPlan plan = planner(3).plan(target(JOBS), StreamSnapshot.of());
		assertThat(plan.toCreate().getReplicas()).isEqualTo(3);
	}

	@Test
	void aStreamWithMoreReplicasThanTheDefaultKeepsThemWhenNoneAreDeclared() {
		StreamPlan plan = planner(1).plan(target(JOBS), StreamSnapshot.of(jobsOnServer(3)));
		assertThat(plan.differences()).isEmpty();
		assertThat(plan.keptReplicas()).isEqualTo(3);
		assertThat(plan.action()).isEqualTo(StreamPlan.Action.NONE);
	}

	@Test
	void aStreamWithFewerReplicasThanTheDefaultIsScaledUpNamingTheDefaultProperty() {
		StreamPlan plan = planner(3).plan(target(JOBS), StreamSnapshot.of(jobsOnServer(1)));
		assertThat(plan.differences()).singleElement().satisfies((difference) -> {
			assertThat(difference.property()).isEqualTo("jetway.topology.default-replicas");
			assertThat(difference.current()).isEqualTo("1");
			assertThat(difference.wanted()).isEqualTo("3");
		});
		assertThat(plan.toUpdate().getReplicas()).isEqualTo(3);
	}

	@Test
	void declaredReplicasAreFollowedDown() {
		StreamDeclaration declared = JOBS.withSettings(JOBS.settings().toBuilder().replicas(1).build())
			.withSource("jetway.topology.streams.JOBS");
		StreamPlan plan = planner(3).plan(target(declared), StreamSnapshot.of(jobsOnServer(3)));
		assertThat(plan.keptReplicas()).isZero();
		assertThat(plan.differences()).singleElement()
			.extracting(SettingDifference::property)
			.isEqualTo("jetway.topology.streams.JOBS.replicas");
		assertThat(plan.toUpdate().getReplicas()).isEqualTo(1);
	}

	@Test
	void replicasAloneUnderTopologyStreamsSetTheReplicasOfAStreamDeclaredElsewhere() {
		JetwayTopologyProperties properties = new JetwayTopologyProperties();
		JetwayTopologyProperties.Stream replicasOnly = new JetwayTopologyProperties.Stream();
		replicasOnly.setReplicas(3);
		properties.getStreams().put("JOBS", replicasOnly);
		List<StreamDeclaration> declarations = TopologyInitializer.declarations(properties, List.of(JOBS));
		TargetStream target = TargetStream.of(declarations, Namespace.none()).get(0);
		assertThat(target.settings()).isEqualTo(JOBS.settings().toBuilder().replicas(3).build());
		assertThat(target.replicasProperty()).isEqualTo("jetway.topology.streams.JOBS.replicas");
		assertThat(target.subjects()).extracting(TargetStream.WantedSubject::subject)
			.containsExactly("jetway.jobs.queue.>");
	}

	@Test
	void replicasAloneMustComeAlone() {
		JetwayTopologyProperties properties = new JetwayTopologyProperties();
		JetwayTopologyProperties.Stream stream = new JetwayTopologyProperties.Stream();
		stream.setReplicas(3);
		stream.setRetention(RetentionPolicy.Interest);
		properties.getStreams().put("JOBS", stream);
		assertThatExceptionOfType(TopologyException.class)
			.isThrownBy(() -> TopologyInitializer.declarations(properties, List.of(JOBS)))
			.withMessageContaining("jetway.topology.streams.JOBS has no subjects, so it only sets the replicas of "
					+ "stream JOBS declared by jetway.jobs.stream")
			.withMessageContaining("Keep only jetway.topology.streams.JOBS.replicas");
	}

	@Test
	void aFullSecondDeclarationWithOtherSettingsSaysHowToSetOnlyReplicas() {
		JetwayTopologyProperties properties = new JetwayTopologyProperties();
		JetwayTopologyProperties.Stream stream = new JetwayTopologyProperties.Stream();
		stream.setSubjects(List.of("jetway.jobs.queue.>"));
		stream.setReplicas(3);
		properties.getStreams().put("JOBS", stream);
		List<StreamDeclaration> declarations = TopologyInitializer.declarations(properties, List.of(JOBS));
		assertThatExceptionOfType(TopologyException.class)
			.isThrownBy(() -> TargetStream.of(declarations, Namespace.none()))
			.withMessageContaining("declared twice with different settings")
			.withMessageContaining("set jetway.topology.streams.JOBS.replicas alone, without subjects or other "
					+ "settings, or set jetway.topology.default-replicas");
	}

	@Test
	void aDeclarationWithoutReplicasTakesThoseOfAnotherDeclaration() {
		StreamDeclaration withReplicas = JOBS.withSettings(JOBS.settings().toBuilder().replicas(5).build())
			.withSource("bean 'jobsAtFive'");
		TargetStream target = TargetStream.of(List.of(JOBS, withReplicas), Namespace.none()).get(0);
		assertThat(target.settings().replicas()).isEqualTo(5);
		assertThat(target.replicasProperty()).isEqualTo("bean 'jobsAtFive'.replicas");
	}

	@Test
	void invalidDefaultReplicasFailNamingTheProperty() {
		JetwayTopologyProperties properties = new JetwayTopologyProperties();
		properties.setDefaultReplicas(7);
		assertThatExceptionOfType(TopologyException.class)
			.isThrownBy(() -> PropertiesStreamDeclarations.defaultReplicas(properties))
			.withMessageContaining("Invalid replicas 7")
			.withMessageContaining("jetway.topology.default-replicas");
	}

	private static TopologyPlanner planner(int defaultReplicas) {
		return new TopologyPlanner(new StreamSettingsComparison(false), defaultReplicas);
	}

	private static TargetStream target(StreamDeclaration declaration) {
		return TargetStream.of(List.of(declaration), Namespace.none()).get(0);
	}

	private static StreamConfiguration jobsOnServer(int replicas) {
		return JOBS.settings()
			.toBuilder()
			.replicas(replicas)
			.build()
			.applyAll(StreamConfiguration.builder().name("JOBS").subjects("jetway.jobs.queue.>"))
			.build();
	}

}
