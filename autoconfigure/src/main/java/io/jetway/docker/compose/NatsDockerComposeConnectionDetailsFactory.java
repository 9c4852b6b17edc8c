package io.jetway.docker.compose;

import java.util.List;
import java.util.Map;

import io.jetway.connection.NatsConnectionDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.boot.ssl.SslBundle;

/**
 * {@link DockerComposeConnectionDetailsFactory} that creates
 * {@link NatsConnectionDetails} for a Docker Compose service whose image is {@code nats}
 * or ends in {@code /nats} ({@code nats:2.10}, {@code bitnami/nats},
 * {@code registry.example.com/mirror/nats:2.10}), or whose
 * {@code org.springframework.boot.service-connection} label says so.
 * <p>
 * The client port is 4222. Credentials come from the service's labels, since Spring Boot
 * does not see the service's command: {@code io.jetway.nats.token}, or
 * {@code io.jetway.nats.username} and {@code io.jetway.nats.password}.
 */
class NatsDockerComposeConnectionDetailsFactory extends DockerComposeConnectionDetailsFactory<NatsConnectionDetails> {

	static final int NATS_PORT = 4222;

	static final String TOKEN_LABEL = "io.jetway.nats.token";

	static final String USERNAME_LABEL = "io.jetway.nats.username";

	static final String PASSWORD_LABEL = "io.jetway.nats.password";

	private static final String SERVICE_CONNECTION_LABEL = "org.springframework.boot.service-connection";

	NatsDockerComposeConnectionDetailsFactory() {
		super(NatsDockerComposeConnectionDetailsFactory::isNats, "io.nats.client.Connection");
	}

	static boolean isNats(DockerComposeConnectionSource source) {
		RunningService service = source.getRunningService();
		String label = service.labels().get(SERVICE_CONNECTION_LABEL);
		String name = (label != null) ? ImageReference.of(label).getName() : service.image().getName();
		return name.equals("nats") || name.endsWith("/nats");
	}

	@Override
	protected NatsConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
		return new NatsDockerComposeConnectionDetails(source.getRunningService());
	}

	/**
	 * {@link NatsConnectionDetails} backed by a {@code nats} {@link RunningService}.
	 */
	static final class NatsDockerComposeConnectionDetails extends DockerComposeConnectionDetails
			implements NatsConnectionDetails {

		private final RunningService service;

		private final String server;

		private final Map<String, String> labels;

		NatsDockerComposeConnectionDetails(RunningService service) {
			super(service);
			this.service = service;
			this.server = "nats://" + service.host() + ":" + service.ports().get(NATS_PORT);
			this.labels = service.labels();
		}

		@Override
		public List<String> getServers() {
			return List.of(this.server);
		}

		@Override
		public @Nullable String getToken() {
			return this.labels.get(TOKEN_LABEL);
		}

		@Override
		public @Nullable String getUsername() {
			return this.labels.get(USERNAME_LABEL);
		}

		@Override
		public @Nullable String getPassword() {
			return this.labels.get(PASSWORD_LABEL);
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return getSslBundle(this.service);
		}

	}

}
