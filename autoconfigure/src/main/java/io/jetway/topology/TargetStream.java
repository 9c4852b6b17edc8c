package io.jetway.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stream as it should be on the server: the declarations of one logical name merged,
 * with the namespace applied and the property path of every subject kept for messages.
 *
 * @param logicalName the declared name
 * @param streamName the name on the server
 * @param source where the (first) declaration comes from
 * @param subjects the subjects on the server, in declaration order
 * @param settings the declared settings (replicas {@link StreamSettings#DEFAULT_REPLICAS}
 * when no declaration sets them)
 * @param replicasProperty the property that sets the replicas, or
 * {@value #DEFAULT_REPLICAS_PROPERTY}
 */
record TargetStream(String logicalName, String streamName, String source, List<WantedSubject> subjects,
		StreamSettings settings, String replicasProperty) {

	/** The property that gives the replicas of streams whose declarations set none. */
	static final String DEFAULT_REPLICAS_PROPERTY = "jetway.topology.default-replicas";

	/**
	 * Where JetStream's API listens; a stream whose subjects overlap it swallows API
	 * requests.
	 */
	static final String JETSTREAM_API = "$JS.API.>";

	/**
	 * Merges declarations by logical name and applies the namespace.
	 * @param declarations the declarations
	 * @param namespace the namespace
	 * @return one target per logical name, in first-declared order
	 * @throws TopologyException when two declarations of one stream disagree on settings
	 */
	static List<TargetStream> of(Iterable<StreamDeclaration> declarations, Namespace namespace) {
		Map<String, TargetStream> targets = new LinkedHashMap<>();
		for (StreamDeclaration declaration : declarations) {
			List<WantedSubject> subjects = new ArrayList<>();
			for (int i = 0; i < declaration.subjects().size(); i++) {
				String subject = namespace.subject(declaration.subjects().get(i));
				String property = declaration.source() + ".subjects[" + i + "]";
				if (Subjects.overlaps(subject, JETSTREAM_API)) {
					throw new TopologyException(
							"Subject '" + subject + "' would capture the JetStream API (" + JETSTREAM_API + ")",
							property,
							"Start the subject with a literal token such as 'orders.>', or set jetway.namespace.subject-prefix.");
				}
				subjects.add(new WantedSubject(subject, property));
			}
			String replicasProperty = declaration.settings().replicasDeclared() ? declaration.source() + ".replicas"
					: DEFAULT_REPLICAS_PROPERTY;
			TargetStream target = new TargetStream(declaration.name(), namespace.streamName(declaration.name()),
					declaration.source(), subjects, declaration.settings(), replicasProperty);
			targets.merge(declaration.name(), target, TargetStream::merge);
		}
		return List.copyOf(targets.values());
	}

	/**
	 * Declarations of one stream must agree on every setting, except that one that leaves
	 * replicas to the default takes the replicas another one sets.
	 */
	private TargetStream merge(TargetStream other) {
		StreamSettings mine = this.settings;
		StreamSettings theirs = other.settings;
		boolean replicasAgree = mine.replicas() == theirs.replicas() || !mine.replicasDeclared()
				|| !theirs.replicasDeclared();
		if (!replicasAgree || !mine.withReplicas(StreamSettings.DEFAULT_REPLICAS)
			.equals(theirs.withReplicas(StreamSettings.DEFAULT_REPLICAS))) {
			throw new TopologyException(
					"Stream " + this.logicalName + " is declared twice with different settings, by " + this.source
							+ " (" + mine + ") and by " + other.source + " (" + theirs + ")",
					other.source,
					"Give both declarations the same settings, or declare the stream once. To set only the replicas "
							+ "of a stream Jetway declares itself (jobs, dead letters), set jetway.topology.streams."
							+ this.logicalName + ".replicas alone, without subjects or other settings, or set "
							+ DEFAULT_REPLICAS_PROPERTY + ".");
		}
		List<WantedSubject> merged = new ArrayList<>(this.subjects);
		other.subjects.stream()
			.filter((wanted) -> merged.stream().noneMatch((existing) -> existing.subject().equals(wanted.subject())))
			.forEach(merged::add);
		TargetStream replicasFrom = mine.replicasDeclared() ? this : other;
		return new TargetStream(this.logicalName, this.streamName, this.source, merged,
				mine.withReplicas(replicasFrom.settings.replicas()), replicasFrom.replicasProperty);
	}

	/**
	 * A subject as used on the server and the property that declares it.
	 *
	 * @param subject the namespaced subject
	 * @param property the property path (or declaration source) of the subject
	 */
	record WantedSubject(String subject, String property) {

	}

}
