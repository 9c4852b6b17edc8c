package io.jetway.topology;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.jspecify.annotations.Nullable;

/**
 * The streams on the server and their subjects, read once per pass and kept current with
 * what the pass itself creates and updates.
 */
final class StreamSnapshot {

	private final Map<String, StreamConfiguration> streams = new LinkedHashMap<>();

	private StreamSnapshot() {
	}

	static StreamSnapshot of(StreamConfiguration... configurations) {
		StreamSnapshot snapshot = new StreamSnapshot();
		for (StreamConfiguration configuration : configurations) {
			snapshot.put(configuration);
		}
		return snapshot;
	}

	static StreamSnapshot read(JetStreamManagement management) throws IOException, JetStreamApiException {
		StreamSnapshot snapshot = new StreamSnapshot();
		snapshot.refresh(management);
		return snapshot;
	}

	void refresh(JetStreamManagement management) throws IOException, JetStreamApiException {
		this.streams.clear();
		for (StreamInfo info : management.getStreams()) {
			put(info.getConfiguration());
		}
	}

	void put(StreamConfiguration configuration) {
		this.streams.put(configuration.getName(), configuration);
	}

	@Nullable StreamConfiguration get(String streamName) {
		return this.streams.get(streamName);
	}

	Map<String, StreamConfiguration> streams() {
		return this.streams;
	}

}
