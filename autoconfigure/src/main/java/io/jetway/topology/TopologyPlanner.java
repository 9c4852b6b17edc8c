package io.jetway.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.nats.client.api.StreamConfiguration;
import org.jspecify.annotations.Nullable;

import io.jetway.topology.SkippedSubject.Reason;
import io.jetway.topology.TargetStream.WantedSubject;

/**
 * Works out, without talking to the server, what a declared stream needs given the
 * streams on the server: which subjects can be added without the server refusing them for
 * overlap, which are skipped and why, and which settings differ. Never plans a subject
 * list that overlaps another stream or itself, and never drops a subject coverage the
 * stream already has (a declared wildcard may replace the narrower subjects it covers).
 */
final class TopologyPlanner {

	private final StreamSettingsComparison comparison;

	private final int defaultReplicas;

	TopologyPlanner(StreamSettingsComparison comparison) {
		this(comparison, 1);
	}

	/**
	 * @param comparison compares settings
	 * @param defaultReplicas the replicas of a stream whose declaration sets none
	 */
	TopologyPlanner(StreamSettingsComparison comparison, int defaultReplicas) {
		this.comparison = comparison;
		this.defaultReplicas = defaultReplicas;
	}

	int defaultReplicas() {
		return this.defaultReplicas;
	}

	StreamPlan plan(TargetStream target, StreamSnapshot snapshot) {
		StreamConfiguration current = snapshot.get(target.streamName());
		List<String> own = (current != null) ? current.getSubjects() : List.of();
		List<WantedSubject> kept = new ArrayList<>();
		List<SkippedSubject> skipped = new ArrayList<>();
		for (WantedSubject wanted : target.subjects()) {
			SkippedSubject skip = skipReason(target, wanted, own, kept, snapshot);
			if (skip != null) {
				skipped.add(skip);
				continue;
			}
			List<WantedSubject> covered = kept.stream()
				.filter((other) -> Subjects.covers(wanted.subject(), other.subject()))
				.toList();
			covered.forEach((other) -> skipped.add(new SkippedSubject(other.subject(), other.property(),
					Reason.REDUNDANT, target.streamName(), wanted.subject())));
			kept.removeAll(covered);
			kept.add(wanted);
		}
		List<String> added = kept.stream().map(WantedSubject::subject).toList();
		List<String> subjects = new ArrayList<>(own.stream()
			.filter((subject) -> added.stream().noneMatch((wider) -> Subjects.covers(wider, subject)))
			.toList());
		subjects.addAll(added);
		StreamSettings wanted = wanted(target, current);
		List<SettingDifference> differences = (current != null)
				? this.comparison.differences(StreamSettings.from(current), wanted, target.source())
					.stream()
					.map((difference) -> difference.setting().equals("replicas")
							? new SettingDifference(target.replicasProperty(), difference.setting(),
									difference.current(), difference.wanted(), difference.changeableInPlace())
							: difference)
					.toList()
				: List.of();
		int keptReplicas = (current != null && !target.settings().replicasDeclared()
				&& current.getReplicas() > this.defaultReplicas) ? current.getReplicas() : 0;
		return new StreamPlan(target, wanted, current, List.copyOf(subjects), added, List.copyOf(skipped), differences,
				keptReplicas);
	}

	/**
	 * The declared settings with the replicas to apply: the declared ones; without, the
	 * default, or more when the stream on the server has more (never scaled down behind
	 * the application's back).
	 */
	private StreamSettings wanted(TargetStream target, @Nullable StreamConfiguration current) {
		StreamSettings declared = target.settings();
		if (declared.replicasDeclared()) {
			return declared;
		}
		int replicas = (current != null) ? Math.max(this.defaultReplicas, current.getReplicas()) : this.defaultReplicas;
		return declared.withReplicas(replicas);
	}

	private @Nullable SkippedSubject skipReason(TargetStream target, WantedSubject wanted, List<String> own,
			List<WantedSubject> kept, StreamSnapshot snapshot) {
		String subject = wanted.subject();
		for (String existing : own) {
			if (Subjects.covers(existing, subject)) {
				return skip(wanted, Reason.COVERED, target.streamName(), existing);
			}
		}
		for (Map.Entry<String, StreamConfiguration> stream : snapshot.streams().entrySet()) {
			if (stream.getKey().equals(target.streamName())) {
				continue;
			}
			for (String foreign : stream.getValue().getSubjects()) {
				if (Subjects.overlaps(subject, foreign)) {
					return skip(wanted, Reason.OVERLAPS_OTHER, stream.getKey(), foreign);
				}
			}
		}
		for (WantedSubject other : kept) {
			if (Subjects.covers(other.subject(), subject)) {
				return skip(wanted, Reason.REDUNDANT, target.streamName(), other.subject());
			}
			if (Subjects.overlaps(other.subject(), subject) && !Subjects.covers(subject, other.subject())) {
				return skip(wanted, Reason.OVERLAPS_OWN, target.streamName(), other.subject());
			}
		}
		for (String existing : own) {
			if (Subjects.overlaps(existing, subject) && !Subjects.covers(subject, existing)) {
				return skip(wanted, Reason.OVERLAPS_OWN, target.streamName(), existing);
			}
		}
		return null;
	}

	private static SkippedSubject skip(WantedSubject wanted, Reason reason, String stream, String by) {
		return new SkippedSubject(wanted.subject(), wanted.property(), reason, stream, by);
	}

}
