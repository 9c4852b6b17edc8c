package io.jetway.testcontainers;

import java.util.List;

import io.jetway.connection.NatsConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

/**
 * {@link ContainerConnectionDetailsFactory} that creates {@link NatsConnectionDetails}
 * from a {@link ServiceConnection @ServiceConnection} {@link GenericContainer} of the
 * {@code nats} image ({@code nats}, {@code docker.io/library/nats} or
 * {@code bitnami/nats}, any tag or registry host), or of any image when the annotation
 * says {@code name = "nats"} or {@code type = NatsConnectionDetails.class}.
 * <p>
 * The client port is 4222 (the container must expose it). Credentials come from the
 * container's command, as nats-server reads them: {@code --auth <token>}, or
 * {@code --user <name> --pass <password>}.
 */
class NatsContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<Container<?>, NatsConnectionDetails> {

	static final int NATS_PORT = 4222;

	private static final List<String> NATS_IMAGE_NAMES = List.of("nats", "library/nats", "bitnami/nats");

	NatsContainerConnectionDetailsFactory() {
		super(NATS_IMAGE_NAMES, "io.nats.client.Connection");
	}

	@Override
	protected boolean sourceAccepts(ContainerConnectionSource<Container<?>> source, Class<?> requiredContainerType,
			Class<?> requiredConnectionDetailsType) {
		return super.sourceAccepts(source, requiredContainerType, requiredConnectionDetailsType)
				|| (source.getConnectionDetailsTypes().contains(NatsConnectionDetails.class)
						&& source.accepts(ANY_CONNECTION_NAME, requiredContainerType, requiredConnectionDetailsType));
	}

	@Override
	protected NatsConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
		return new NatsContainerConnectionDetails(source);
	}

	/**
	 * The value of a nats-server command line option: {@code --name value},
	 * {@code -name value} or {@code --name=value}.
	 * @param command the container's command parts
	 * @param name the option without dashes, for example {@code user}
	 * @return the value, or {@code null} when the option is absent
	 */
	static @Nullable String option(String[] command, String name) {
		for (int i = 0; i < command.length; i++) {
			String part = command[i];
			if (!part.startsWith("-")) {
				continue;
			}
			String option = part.substring(part.startsWith("--") ? 2 : 1);
			if (option.equals(name) && i + 1 < command.length) {
				return command[i + 1];
			}
			if (option.startsWith(name + "=")) {
				return option.substring(name.length() + 1);
			}
		}
		return null;
	}

	/**
	 * {@link NatsConnectionDetails} backed by a {@link ContainerConnectionSource}.
	 */
	static final class NatsContainerConnectionDetails extends ContainerConnectionDetails<Container<?>>
			implements NatsConnectionDetails {

		private NatsContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
			super(source);
		}

		@Override
		public List<String> getServers() {
			Container<?> container = getContainer();
			return List.of("nats://" + container.getHost() + ":" + mappedPort(container));
		}

		private static int mappedPort(Container<?> container) {
			try {
				return container.getMappedPort(NATS_PORT);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(
						"The NATS container " + container.getDockerImageName() + " does not expose the client port "
								+ NATS_PORT + ": add .withExposedPorts(4222) to the @ServiceConnection container",
						ex);
			}
		}

		@Override
		public @Nullable String getToken() {
			return option(getContainer().getCommandParts(), "auth");
		}

		@Override
		public @Nullable String getUsername() {
			return option(getContainer().getCommandParts(), "user");
		}

		@Override
		public @Nullable String getPassword() {
			return option(getContainer().getCommandParts(), "pass");
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return super.getSslBundle();
		}

	}

}
