package io.jetway.test.context;

import java.util.List;

import io.jetway.connection.NatsConnectionDetails;
import io.jetway.test.nats.NatsServerProcess;
import org.jspecify.annotations.Nullable;

/**
 * {@link NatsConnectionDetails} of a {@link PrivateNatsServer @PrivateNatsServer}: its
 * URL and, when it requires one, its token.
 */
class PrivateNatsServerConnectionDetails implements NatsConnectionDetails {

	private final NatsServerProcess server;

	private final String token;

	PrivateNatsServerConnectionDetails(NatsServerProcess server, String token) {
		this.server = server;
		this.token = token;
	}

	@Override
	public List<String> getServers() {
		return List.of(this.server.url());
	}

	@Override
	public @Nullable String getToken() {
		return this.token.isEmpty() ? null : this.token;
	}

}
