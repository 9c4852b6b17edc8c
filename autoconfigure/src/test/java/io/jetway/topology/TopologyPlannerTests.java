package io.jetway.topology;

import java.time.Duration;
import java.util.List;

import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import io.jetway.topology.SkippedSubject.Reason;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyPlannerTests {

	private final TopologyPlanner planner = new TopologyPlanner(new StreamSettingsComparison(false));

	@Test
	void newStreamGetsSubjectsNoOtherStreamOverlaps() {
		StreamPlan plan = plan(StreamDeclaration.of("ORDERS", "orders.created", "payments.>"),
				stream("FOREIGN", "orders.>"));
		assertThat(plan.action()).isEqualTo(StreamPlan.Action.CREATE);
		assertThat(plan.subjects()).containsExactly("payments.>");
		assertThat(plan.skipped()).singleElement().satisfies((skipped) -> {
			assertThat(skipped.reason()).isEqualTo(Reason.OVERLAPS_OTHER);
			assertThat(skipped.stream()).isEqualTo("FOREIGN");
			assertThat(skipped.by()).isEqualTo("orders.>");
			assertThat(skipped.property()).isEqualTo("stream ORDERS.subjects[0]");
		});
	}

	@Test
	void streamWithoutFreeSubjectIsNotCreated() {
		StreamPlan plan = plan(StreamDeclaration.of("ORDERS", "orders.created"), stream("FOREIGN", "*.created"));
		assertThat(plan.action()).isEqualTo(StreamPlan.Action.NOT_CREATED);
	}

	@Test
	void subjectCoveredByTheStreamNeedsNothing() {
		StreamPlan plan = plan(StreamDeclaration.of("ORDERS", "orders.created"), stream("ORDERS", "orders.*"));
		assertThat(plan.action()).isEqualTo(StreamPlan.Action.NONE);
		assertThat(plan.missingSubjects()).isEmpty();
		assertThat(plan.skipped()).singleElement().extracting(SkippedSubject::reason).isEqualTo(Reason.COVERED);
	}

	@Test
	void declaredSubjectsThatOverlapEachOtherAreNeverPlannedTogether() {
		StreamPlan plan = plan(StreamDeclaration.of("ORDERS", "orders.created", "orders.>", "x.*.c", "x.b.*"));
		assertThat(plan.subjects()).containsExactly("orders.>", "x.*.c");
		assertThat(plan.skipped()).extracting(SkippedSubject::reason)
			.containsExactlyInAnyOrder(Reason.REDUNDANT, Reason.OVERLAPS_OWN);
		assertThat(plan.missingSubjects()).containsExactly("orders.>", "x.*.c", "x.b.*");
	}

	@Test
	void widerSubjectReplacesTheNarrowerOnesItCovers() {
		StreamPlan plan = plan(StreamDeclaration.of("ORDERS", "orders.>"), stream("ORDERS", "orders.created", "audit"));
		assertThat(plan.action()).isEqualTo(StreamPlan.Action.UPDATE);
		assertThat(plan.subjects()).containsExactly("audit", "orders.>");
	}

	@Test
	void partlyOverlappingSubjectOfTheSameStreamIsSkipped() {
		StreamPlan plan = plan(StreamDeclaration.of("X", "x.b.*"), stream("X", "x.*.c"));
		assertThat(plan.action()).isEqualTo(StreamPlan.Action.NONE);
		assertThat(plan.missingSubjects()).containsExactly("x.b.*");
	}

	@Test
	void plannedSubjectsNeverOverlapOnRandomTopologies() {
		java.util.Random random = new java.util.Random(7);
		for (int i = 0; i < 500; i++) {
			String foreign = "t." + SubjectSamples.random(random);
			String own = "t." + SubjectSamples.random(random);
			if (Subjects.overlaps(foreign, own)) {
				continue;
			}
			StreamDeclaration declaration = StreamDeclaration.of("S", "t." + SubjectSamples.random(random),
					"t." + SubjectSamples.random(random), "t." + SubjectSamples.random(random));
			StreamPlan plan = plan(declaration, stream("F", foreign), stream("S", own));
			List<String> subjects = plan.subjects();
			for (int a = 0; a < subjects.size(); a++) {
				assertThat(Subjects.overlaps(subjects.get(a), foreign)).as("%s vs foreign %s", subjects, foreign)
					.isFalse();
				for (int b = a + 1; b < subjects.size(); b++) {
					assertThat(Subjects.overlaps(subjects.get(a), subjects.get(b))).as("%s", subjects).isFalse();
				}
			}
			assertThat(subjects.stream().anyMatch((subject) -> Subjects.covers(subject, own))).as("keeps %s", own)
				.isTrue();
		}
	}

	@Test
	void mutableDifferencesAreUpdatesAndImmutableOnesAreDrift() {
		StreamDeclaration declaration = StreamDeclaration.of("ORDERS", "orders.>")
			.withSettings(
					StreamSettings.builder().maxAge(Duration.ofDays(7)).retention(RetentionPolicy.Interest).build());
		StreamConfiguration current = StreamSettings.builder()
			.storage(StorageType.Memory)
			.maxAge(Duration.ofHours(1))
			.build()
			.applyAll(StreamConfiguration.builder().name("ORDERS").subjects("orders.>"))
			.build();
		StreamPlan plan = plan(declaration, current);
		assertThat(plan.action()).isEqualTo(StreamPlan.Action.UPDATE);
		assertThat(plan.differences()).extracting(SettingDifference::setting)
			.containsExactly("storage", "retention", "max-age");
		assertThat(plan.drift()).extracting(SettingDifference::describe)
			.containsExactly(
					"storage is memory on the server but stream ORDERS.storage is file; storage cannot change in place",
					"retention is limits on the server but stream ORDERS.retention is interest; retention cannot change in place");
		assertThat(plan.toUpdate().getMaxAge()).isEqualTo(Duration.ofDays(7));
		assertThat(plan.toUpdate().getStorageType()).isEqualTo(StorageType.Memory);
		assertThat(plan.toUpdate().getRetentionPolicy()).isEqualTo(RetentionPolicy.Limits);
	}

	@Test
	void retentionBetweenLimitsAndInterestChangesInPlaceWhereTheServerAllowsIt() {
		TopologyPlanner newer = new TopologyPlanner(new StreamSettingsComparison(true));
		StreamDeclaration declaration = StreamDeclaration.of("ORDERS", "orders.>")
			.withSettings(StreamSettings.builder().retention(RetentionPolicy.Interest).build());
		StreamPlan plan = newer.plan(target(declaration), StreamSnapshot.of(stream("ORDERS", "orders.>")));
		assertThat(plan.drift()).isEmpty();
		assertThat(plan.toUpdate().getRetentionPolicy()).isEqualTo(RetentionPolicy.Interest);
	}

	private StreamPlan plan(StreamDeclaration declaration, StreamConfiguration... streams) {
		return this.planner.plan(target(declaration), StreamSnapshot.of(streams));
	}

	private static TargetStream target(StreamDeclaration declaration) {
		return TargetStream.of(List.of(declaration), Namespace.none()).get(0);
	}

	private static StreamConfiguration stream(String name, String... subjects) {
		return StreamSettings.defaults().applyAll(StreamConfiguration.builder().name(name).subjects(subjects)).build();
	}

}
