package io.jetway.connection;

import io.nats.client.Connection;
import io.nats.client.api.ServerInfo;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the NATS connection: up while connected (with the server's URL, id, version and
 * whether it has JetStream), down while disconnected, reconnecting or closed. Jetway
 * keeps no state that only this instance holds, so a down instance loses nothing:
 * committed outbox rows wait in the database and are published after the reconnect.
 */
public class NatsHealthIndicator extends AbstractHealthIndicator {

	private final Connection connection;

	public NatsHealthIndicator(Connection connection) {
		super("NATS health check failed");
		this.connection = connection;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Connection.Status status = this.connection.getStatus();
		builder.withDetail("status", status.name());
		if (status != Connection.Status.CONNECTED) {
			builder.down();
			return;
		}
		builder.up();
		String url = this.connection.getConnectedUrl();
		if (url != null) {
			builder.withDetail("server", url);
		}
		ServerInfo server = this.connection.getServerInfo();
		if (server != null) {
			builder.withDetail("serverId", server.getServerId())
				.withDetail("version", server.getVersion())
				.withDetail("jetStream", server.isJetStreamAvailable());
		}
	}

}
