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
		return properties.getStreams().entrySet().stream().map(PropertiesStreamDeclarations::declaration).toList();
	}

	private static StreamDeclaration declaration(Map.Entry<String, Stream> entry) {
		String path = PREFIX + entry.getKey();
		Stream stream = entry.getValue();
		if (stream.getReplicas() < 1 || stream.getReplicas() > 5) {
			throw new TopologyException("Invalid replicas " + stream.getReplicas(), path + ".replicas",
					"Set it between 1 and 5 (1 on a single server).");
		}
		notNegative(stream.getDuplicateWindow(), path + ".duplicate-window");
		notNegative(stream.getMaxAge(), path + ".max-age");
		StreamSettings settings = StreamSettings.builder()
			.storage(stream.getStorage())
			.retention(stream.getRetention())
			.replicas(stream.getReplicas())
			.maxAge(stream.getMaxAge())
			.maxBytes(stream.getMaxBytes().toBytes())
			.maxMsgs(stream.getMaxMsgs())
			.maxMsgSize(stream.getMaxMsgSize().toBytes())
			.duplicateWindow(stream.getDuplicateWindow())
			.discard(stream.getDiscard())
			.description(stream.getDescription())
			.build();
		return new StreamDeclaration(entry.getKey(), stream.getSubjects(), settings, path);
	}

	private static void notNegative(Duration duration, String property) {
		if (duration.isNegative()) {
			throw new TopologyException("Negative duration " + duration, property,
					"Use a positive duration such as 2m, or 0 where 0 means no limit.");
		}
	}

}
