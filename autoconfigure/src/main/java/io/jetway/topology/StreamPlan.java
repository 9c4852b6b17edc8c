package io.jetway.topology;

import java.util.List;

import io.nats.client.api.StreamConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * What bringing one stream in line with its declaration takes, computed from a snapshot
 * of the server by {@link TopologyPlanner}.
 *
 * @param target the declared stream
 * @param settings the settings to apply: the declared ones with the replicas resolved
 * @param current the stream on the server, or {@code null} when it does not exist
 * @param subjects the subjects to send in a create or update
 * @param added the declared subjects the stream does not capture yet and can get
 * @param skipped the declared subjects not added, and why
 * @param differences the settings that differ from the declaration
 * @param keptReplicas the replicas of the stream on the server when they are more than
 * {@code jetway.topology.default-replicas} and no declaration sets replicas (they are
 * kept), otherwise 0
 */
record StreamPlan(TargetStream target, StreamSettings settings, @Nullable StreamConfiguration current,
		List<String> subjects, List<String> added, List<SkippedSubject> skipped, List<SettingDifference> differences,
		int keptReplicas) {

	Action action() {
		if (this.current == null) {
			return this.added.isEmpty() ? Action.NOT_CREATED : Action.CREATE;
		}
		boolean settingsToChange = this.differences.stream().anyMatch(SettingDifference::changeableInPlace);
		return (!this.added.isEmpty() || settingsToChange) ? Action.UPDATE : Action.NONE;
	}

	/**
	 * @return the differences that cannot be changed in place
	 */
	List<SettingDifference> drift() {
		return this.differences.stream().filter((difference) -> !difference.changeableInPlace()).toList();
	}

	/**
	 * @return the declared subjects the stream on the server does not capture
	 */
	List<String> missingSubjects() {
		return this.target.subjects()
			.stream()
			.map(TargetStream.WantedSubject::subject)
			.filter((subject) -> this.added.contains(subject) || this.skipped.stream()
				.anyMatch((skipped) -> skipped.subject().equals(subject) && !skipped.isCaptured()))
			.toList();
	}

	/**
	 * @return the configuration to create the stream with
	 */
	StreamConfiguration toCreate() {
		StreamConfiguration.Builder builder = StreamConfiguration.builder()
			.name(this.target.streamName())
			.subjects(this.subjects);
		return this.settings.applyAll(builder).build();
	}

	/**
	 * @return the configuration to update the stream with: what the server has, with the
	 * subjects and the settings that can change in place replaced
	 */
	StreamConfiguration toUpdate() {
		StreamConfiguration current = this.current;
		if (current == null) {
			throw new IllegalStateException("Stream " + this.target.streamName() + " does not exist");
		}
		StreamConfiguration.Builder builder = StreamConfiguration.builder(current).subjects(this.subjects);
		this.settings.applyMutable(builder);
		boolean retentionInPlace = this.differences.stream()
			.anyMatch((difference) -> difference.setting().equals("retention") && difference.changeableInPlace());
		if (retentionInPlace) {
			builder.retentionPolicy(this.settings.retention());
		}
		return builder.build();
	}

	enum Action {

		/** The stream does not exist and is created. */
		CREATE,

		/** The stream does not exist and no declared subject can be given to it. */
		NOT_CREATED,

		/** The stream exists and gets subjects or settings. */
		UPDATE,

		/** The stream exists and needs nothing that can be done. */
		NONE

	}

}
