package io.jetway.topology;

import java.util.ArrayList;
import java.util.List;

import io.nats.client.api.StreamConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * The state of one declared stream: what the server holds, what is missing or drifted,
 * and what the last pass did.
 *
 * @param name the logical (declared) name
 * @param streamName the name on the server
 * @param source where the declaration comes from
 * @param status what the pass found or did
 * @param subjects the stream's subjects on the server (empty when it does not exist)
 * @param settings the stream's settings on the server, or {@code null} when it does not
 * exist
 * @param missingSubjects declared subjects the stream does not capture
 * @param skipped declared subjects that were not added, and why
 * @param differences settings on the server that differ from the declaration (after a
 * successful ensure, only drift is left)
 * @param failure why the pass could not create or update the stream, or {@code null}
 * @param problems one line per problem (missing stream, missing subject, differing
 * setting, failure) naming the property at fault; empty when consistent
 */
public record StreamReport(String name, String streamName, String source, Status status, List<String> subjects,
		@Nullable StreamSettings settings, List<String> missingSubjects, List<SkippedSubject> skipped,
		List<SettingDifference> differences, @Nullable String failure, List<String> problems) {

	static StreamReport of(StreamPlan plan, Status status, @Nullable String failure) {
		StreamConfiguration current = plan.current();
		TargetStream target = plan.target();
		return new StreamReport(target.logicalName(), target.streamName(), target.source(), status,
				(current != null) ? List.copyOf(current.getSubjects()) : List.of(),
				(current != null) ? StreamSettings.from(current) : null, plan.missingSubjects(), plan.skipped(),
				plan.differences(), failure, problems(plan, failure));
	}

	/**
	 * @return whether the stream exists with every declared subject and setting
	 */
	public boolean isConsistent() {
		return this.settings != null && this.missingSubjects.isEmpty() && this.differences.isEmpty()
				&& this.failure == null;
	}

	private static List<String> problems(StreamPlan plan, @Nullable String failure) {
		List<String> problems = new ArrayList<>();
		String prefix = "stream " + plan.target().streamName() + " (" + plan.target().source() + "): ";
		if (failure != null) {
			problems.add(prefix + failure);
		}
		if (plan.current() == null) {
			problems.add(prefix + "does not exist");
		}
		List<String> missing = plan.missingSubjects();
		for (TargetStream.WantedSubject wanted : plan.target().subjects()) {
			SkippedSubject skipped = plan.skipped()
				.stream()
				.filter((skip) -> skip.subject().equals(wanted.subject()) && !skip.isCaptured())
				.findFirst()
				.orElse(null);
			if (skipped != null) {
				problems.add(prefix + skipped.describe());
			}
			else if (plan.current() != null && missing.contains(wanted.subject())) {
				problems.add(prefix + "subject '" + wanted.subject() + "' (" + wanted.property() + ") is missing");
			}
		}
		plan.differences().forEach((difference) -> problems.add(prefix + difference.describe()));
		return List.copyOf(problems);
	}

	/**
	 * What a pass found or did.
	 */
	public enum Status {

		/** The stream exists; nothing was changed. */
		PRESENT,

		/** The stream does not exist (validate or report). */
		MISSING,

		/** The pass created the stream. */
		CREATED,

		/** The pass added subjects or changed settings. */
		UPDATED,

		/**
		 * The stream does not exist and was not created: every subject is owned
		 * elsewhere.
		 */
		NOT_CREATED,

		/** Creating or updating failed; see {@link StreamReport#failure()}. */
		FAILED

	}

}
