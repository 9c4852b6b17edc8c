package io.jetway.benchmarks;

import java.io.IOException;
import java.time.Duration;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

/**
 * The BENCH stream every scenario publishes to: subjects {@code bench.>}, file storage, a
 * duplicate window of 2 minutes.
 */
final class BenchStream {

	static final String NAME = "BENCH";

	private BenchStream() {
	}

	static Connection connect(String url) throws IOException, InterruptedException {
		return Nats.connect(Options.builder().server(url).connectionName("jetway-benchmark").build());
	}

	/** Deletes every stream, so a scenario starts on an empty server. */
	static void deleteAll(Connection connection) throws IOException, JetStreamApiException {
		JetStreamManagement management = connection.jetStreamManagement();
		for (String stream : management.getStreamNames()) {
			management.deleteStream(stream);
		}
	}

	/** Deletes every stream and creates BENCH afresh. */
	static void recreate(Connection connection) throws IOException, JetStreamApiException {
		deleteAll(connection);
		connection.jetStreamManagement()
			.addStream(StreamConfiguration.builder()
				.name(NAME)
				.subjects("bench.>")
				.storageType(StorageType.File)
				.duplicateWindow(Duration.ofMinutes(2))
				.build());
	}

	static long messageCount(Connection connection) throws IOException, JetStreamApiException {
		return connection.jetStreamManagement().getStreamInfo(NAME).getStreamState().getMsgCount();
	}

	static void expectMessages(Connection connection, long expected, String scenario)
			throws IOException, JetStreamApiException {
		long count = messageCount(connection);
		if (count != expected) {
			throw new IllegalStateException(
					scenario + ": the stream holds " + count + " messages where " + expected + " were expected");
		}
	}

}
