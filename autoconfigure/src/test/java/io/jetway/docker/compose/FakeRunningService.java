package io.jetway.docker.compose;

import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.core.env.StandardEnvironment;

/**
 * A Docker Compose service as spring-boot-docker-compose describes it after
 * {@code docker compose up}, for tests without Docker: an image, labels and a host port
 * published for the client port 4222 (usually a private nats-server's).
 */
record FakeRunningService(String imageName, Map<String, String> labels, int clientPort) implements RunningService {

	FakeRunningService(String imageName, int clientPort) {
		this(imageName, Map.of(), clientPort);
	}

	@Override
	public String name() {
		return "nats";
	}

	@Override
	public ImageReference image() {
		return ImageReference.of(this.imageName);
	}

	@Override
	public String host() {
		return "127.0.0.1";
	}

	@Override
	public ConnectionPorts ports() {
		return new ConnectionPorts() {

			@Override
			public int get(int containerPort) {
				if (containerPort != NatsDockerComposeConnectionDetailsFactory.NATS_PORT) {
					throw new IllegalStateException("No host port mapping found for container port " + containerPort);
				}
				return FakeRunningService.this.clientPort;
			}

			@Override
			public List<Integer> getAll() {
				return List.of(FakeRunningService.this.clientPort);
			}

			@Override
			public List<Integer> getAll(@Nullable String protocol) {
				return getAll();
			}

		};
	}

	@Override
	public Map<String, @Nullable String> env() {
		return Map.of();
	}

	/**
	 * The source Spring Boot hands to the factories for this service (its constructor is
	 * not public).
	 */
	DockerComposeConnectionSource source() {
		try {
			Constructor<DockerComposeConnectionSource> constructor = DockerComposeConnectionSource.class
				.getDeclaredConstructor(RunningService.class, org.springframework.core.env.Environment.class);
			constructor.setAccessible(true);
			return constructor.newInstance(this, new StandardEnvironment());
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Spring Boot's DockerComposeConnectionSource changed: " + ex, ex);
		}
	}

}
