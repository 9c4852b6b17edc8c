package io.jetway.topology;

import java.io.IOException;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.test.nats.NatsServerExtension;

/**
 * A test's own connection to its private server, to set up and inspect streams
 * independently of the application context, and the context runner under test.
 */
final class ServerStreams implements AutoCloseable {

	private final Connection connection;

	private final JetStreamManagement management;

	private ServerStreams(Connection connection) throws IOException {
		this.connection = connection;
		this.management = connection.jetStreamManagement();
	}

	static ServerStreams connect(NatsServerExtension nats) throws IOException, InterruptedException {
		return new ServerStreams(Nats.connect(nats.url()));
	}

	static ApplicationContextRunner runner(NatsServerExtension nats) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class))
			.withPropertyValues("jetway.nats.servers=" + nats.url());
	}

	Connection connection() {
		return this.connection;
	}

	JetStreamManagement management() {
		return this.management;
	}

	StreamInfo create(String name, String... subjects) throws IOException, JetStreamApiException {
		return this.management.addStream(StreamConfiguration.builder().name(name).subjects(subjects).build());
	}

	StreamInfo create(StreamConfiguration configuration) throws IOException, JetStreamApiException {
		return this.management.addStream(configuration);
	}

	StreamConfiguration stream(String name) throws IOException, JetStreamApiException {
		return this.management.getStreamInfo(name).getConfiguration();
	}

	boolean exists(String name) throws IOException, JetStreamApiException {
		return this.management.getStreamNames().contains(name);
	}

	void deleteAll() throws IOException, JetStreamApiException {
		for (String name : this.management.getStreamNames()) {
			this.management.deleteStream(name);
		}
	}

	@Override
	public void close() throws IOException, JetStreamApiException, InterruptedException {
		deleteAll();
		this.connection.close();
	}

}
