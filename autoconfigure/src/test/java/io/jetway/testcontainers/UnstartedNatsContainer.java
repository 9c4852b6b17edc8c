package io.jetway.testcontainers;

import java.util.function.IntSupplier;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A {@link GenericContainer} that is never started (there is no Docker engine here): it
 * reports itself as running, with a host and a mapped client port that a test provides,
 * usually a private nats-server's. Everything Spring Boot and Jetway do with a
 * {@code @ServiceConnection} container runs for real; only the container is not there.
 */
class UnstartedNatsContainer extends GenericContainer<UnstartedNatsContainer> {

	private final String imageName;

	private final IntSupplier clientPort;

	private boolean exposesClientPort = true;

	UnstartedNatsContainer(String imageName, IntSupplier clientPort) {
		super(DockerImageName.parse(imageName));
		this.imageName = imageName;
		this.clientPort = clientPort;
	}

	/** Makes the container behave as one without {@code withExposedPorts(4222)}. */
	UnstartedNatsContainer withoutClientPort() {
		this.exposesClientPort = false;
		return this;
	}

	@Override
	public String getDockerImageName() {
		return this.imageName;
	}

	@Override
	public String getHost() {
		return "127.0.0.1";
	}

	@Override
	public Integer getMappedPort(int originalPort) {
		if (originalPort != NatsContainerConnectionDetailsFactory.NATS_PORT || !this.exposesClientPort) {
			// what Testcontainers throws for a port the container does not expose
			throw new IllegalArgumentException("Requested port (" + originalPort + ") is not mapped");
		}
		return this.clientPort.getAsInt();
	}

	@Override
	public boolean isRunning() {
		return true;
	}

	@Override
	public void start() {
		throw new IllegalStateException("There is no Docker engine here: this container must never be started");
	}

}
