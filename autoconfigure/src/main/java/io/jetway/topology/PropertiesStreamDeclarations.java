package io.jetway.topology;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.jetway.topology.JetwayTopologyProperties.Stream;

/**
 * Turns {@code jetway.topology.streams.*} into {@link StreamDeclaration}s, checking every
 * value and naming its property path when one is wrong.
 */
final class PropertiesStreamDeclarations {

	private static final String PREFIX = "jetway.topology.streams.";

	private PropertiesStreamDeclarations() {
	}

	static List<StreamDeclaration> from(JetwayTopologyProperties properties) {
		return from(properties, List.of());
	}

	/**
	 * @param properties {@code jetway.topology.*}
	 * @param others the streams declared elsewhere (beans, Jetway's own streams)
	 * @return a declaration per {@code jetway.topology.streams} entry; an entry without
	 * subjects that only sets replicas for a stream in {@code others} becomes a copy of
	 * that declaration with those replicas
	 */
	static List<StreamDeclaration> from(JetwayTopologyProperties properties, List<StreamDeclaration> others) {
		return properties.getStreams()
			.entrySet()
			.stream()
			.map((entry) -> declaration(entry.getKey(), entry.getValue(), others))
			.toList();
	}

	/**
	 * @return {@code jetway.topology.default-replicas}, checked
	 */
	static int defaultReplicas(JetwayTopologyProperties properties) {
		return checkedReplicas(properties.getDefaultReplicas(), "jetway.topology.default-replicas");
	}

	private static StreamDeclaration declaration(String name, Stream stream, List<StreamDeclaration> others) {
		String path = PREFIX + name;
		StreamSettings settings = settings(stream, path);
		if (stream.getSubjects().isEmpty() && stream.getReplicas() != null) {
			for (StreamDeclaration other : others) {
				if (other.name().equals(name)) {
					return replicasOnly(other, settings, path);
				}
			}
		}
		return new StreamDeclaration(name, stream.getSubjects(), settings, path);
	}

	private static StreamDeclaration replicasOnly(StreamDeclaration declared, StreamSettings settings, String path) {
		StreamSettings untouched = settings(new Stream(), path);
		if (!settings.withReplicas(StreamSettings.DEFAULT_REPLICAS).equals(untouched)) {
			throw new TopologyException(
					path + " has no subjects, so it only sets the replicas of stream " + declared.name()
							+ " declared by " + declared.source() + ", but it sets other settings too ("
							+ settings.withReplicas(StreamSettings.DEFAULT_REPLICAS) + ")",
					path, "Keep only " + path + ".replicas: the other settings of " + declared.name() + " come from "
							+ declared.source() + ".");
		}
		return declared.withSettings(declared.settings().withReplicas(settings.replicas())).withSource(path);
	}

	private static StreamSettings settings(Stream stream, String path) {
		Integer replicas = stream.getReplicas();
		notNegative(stream.getDuplicateWindow(), path + ".duplicate-window");
		notNegative(stream.getMaxAge(), path + ".max-age");
		return StreamSettings.builder()
			.storage(stream.getStorage())
			.retention(stream.getRetention())
			.replicas((replicas != null) ? checkedReplicas(replicas, path + ".replicas")
					: StreamSettings.DEFAULT_REPLICAS)
			.maxAge(stream.getMaxAge())
			.maxBytes(stream.getMaxBytes().toBytes())
			.maxMsgs(stream.getMaxMsgs())
			.maxMsgSize(stream.getMaxMsgSize().toBytes())
			.duplicateWindow(stream.getDuplicateWindow())
			.discard(stream.getDiscard())
			.description(stream.getDescription())
			.build();
	}

	private static int checkedReplicas(int replicas, String property) {
		if (replicas < 1 || replicas > 5) {
			throw new TopologyException("Invalid replicas " + replicas, property,
					"Set it between 1 and 5 (1 on a single server, 3 on a three-node cluster).");
		}
		return replicas;
	}

	private static void notNegative(Duration duration, String property) {
		if (duration.isNegative()) {
			throw new TopologyException("Negative duration " + duration, property,
					"Use a positive duration such as 2m, or 0 where 0 means no limit.");
		}
	}

}
