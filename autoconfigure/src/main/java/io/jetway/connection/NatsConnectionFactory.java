package io.jetway.connection;

import java.io.IOException;
import java.util.List;

import javax.net.ssl.SSLException;

import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

/**
 * Connects to NATS with the configured options and fails with an actionable
 * {@link NatsConnectionException} when the server cannot be reached, rejects the
 * credentials or TLS, or has JetStream disabled. Startup never waits longer than the
 * connect timeout per configured server.
 */
public class NatsConnectionFactory {

	private final NatsOptionsConfigurer configurer;

	private final List<NatsOptionsCustomizer> customizers;

	public NatsConnectionFactory(NatsOptionsConfigurer configurer, List<NatsOptionsCustomizer> customizers) {
		this.configurer = configurer;
		this.customizers = customizers;
	}

	public Connection connect() {
		Options.Builder builder = new Options.Builder();
		this.configurer.configure(builder);
		NatsConnectionEventLogger eventLogger = new NatsConnectionEventLogger();
		builder.connectionListener(eventLogger).errorListener(eventLogger);
		this.customizers.forEach((customizer) -> customizer.customize(builder));
		Options options = builder.build();
		String servers = String.join(", ", this.configurer.validServers());
		Connection connection;
		try {
			connection = Nats.connect(options);
		}
		catch (AuthenticationException ex) {
			throw new NatsConnectionException(
					"The NATS server at " + servers + " rejected the credentials: " + ex.getMessage(),
					authenticationProperty(options),
					"Check jetway.nats.token, jetway.nats.username/password, jetway.nats.nkey-seed or "
							+ "jetway.nats.credentials-file against the server's authorization configuration.",
					ex);
		}
		catch (IOException ex) {
			if (hasCause(ex, SSLException.class)) {
				throw new NatsConnectionException(
						"The TLS handshake with the NATS server at " + servers + " failed: " + rootMessage(ex),
						"jetway.nats.tls.bundle",
						"Check that the SSL bundle named by jetway.nats.tls.bundle trusts the CA that signed the "
								+ "server certificate and, when the server verifies clients, holds a client certificate.",
						ex);
			}
			throw new NatsConnectionException(
					"No NATS server answered at " + servers + " within " + options.getConnectionTimeout() + " ("
							+ rootMessage(ex) + ")",
					"jetway.nats.servers",
					"A NATS server with JetStream must run there. Start one with 'nats-server -js' (Debian: "
							+ "apt-get install nats-server), or point jetway.nats.servers at a running server.",
					ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new NatsConnectionException("Interrupted while connecting to NATS at " + servers,
					"jetway.nats.servers", "Retry the start.", ex);
		}
		if (!connection.getServerInfo().isJetStreamAvailable()) {
			closeQuietly(connection);
			throw new NatsConnectionException(
					"The NATS server at " + servers + " runs without JetStream, which Jetway needs",
					"jetway.nats.servers",
					"Start nats-server with JetStream enabled: the -js flag, or 'jetstream { store_dir: ... }' "
							+ "in its configuration file.");
		}
		return connection;
	}

	private static String authenticationProperty(Options options) {
		if (options.getToken() != null) {
			return "jetway.nats.token";
		}
		if (options.getUsernameChars() != null) {
			return "jetway.nats.username";
		}
		if (options.getAuthHandler() != null) {
			return "jetway.nats.nkey-seed or jetway.nats.credentials-file";
		}
		return "jetway.nats.token";
	}

	private static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return true;
			}
		}
		return false;
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
