package io.jetway.connection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.List;

import javax.net.ssl.SSLException;

import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

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

	/**
	 * Connects.
	 * @param drainTimeout how long closing the connection may drain it
	 * @return the connection, with the executors it owns
	 */
	public ManagedNatsConnection connect(Duration drainTimeout) {
		// executors of our own: jnats re-creates its internal ones for the CLOSED event
		// after it shut them down, which would leave threads behind on close
		ExecutorService callbacks = Executors
			.newSingleThreadExecutor(new CustomizableThreadFactory("jetway-nats-callback-"));
		ExecutorService connects = Executors
			.newSingleThreadExecutor(new CustomizableThreadFactory("jetway-nats-connect-"));
		try {
			Connection connection = connect((builder) -> builder.callbackExecutor(callbacks).connectExecutor(connects));
			return new ManagedNatsConnection(connection, drainTimeout, List.of(callbacks, connects));
		}
		catch (RuntimeException ex) {
			callbacks.shutdownNow();
			connects.shutdownNow();
			throw ex;
		}
	}

	private Connection connect(NatsOptionsCustomizer executors) {
		Options.Builder builder = new Options.Builder();
		this.configurer.configure(builder);
		executors.customize(builder);
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
			releaseExecutors(options);
			throw new NatsConnectionException(
					"The NATS server at " + servers + " rejected the credentials: " + ex.getMessage(),
					authenticationProperty(options),
					"Check jetway.nats.token, jetway.nats.username/password, jetway.nats.nkey-seed or "
							+ "jetway.nats.credentials-file against the server's authorization configuration.",
					ex);
		}
		catch (IOException ex) {
			releaseExecutors(options);
			throw connectFailure(options, servers, ex, eventLogger.lastException());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			releaseExecutors(options);
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

	private NatsConnectionException connectFailure(Options options, String servers, IOException ex,
			@Nullable Exception reported) {
		String cause = rootMessage((reported != null) ? reported : ex);
		boolean reachable = this.configurer.validServers()
			.stream()
			.anyMatch((server) -> acceptsTcp(server, options.getConnectionTimeout()));
		if (reachable && (options.getSslContext() != null || hasCause(ex, SSLException.class))) {
			return new NatsConnectionException(
					"The NATS server at "
							+ servers + " accepts connections but the TLS handshake failed (" + cause + ")",
					"jetway.nats.tls.bundle",
					"Check that the SSL bundle named by jetway.nats.tls.bundle trusts the CA that signed the "
							+ "server certificate and, when the server verifies clients, holds a client certificate "
							+ "and key (spring.ssl.bundle.pem.<name>.keystore.*).",
					ex);
		}
		if (reachable) {
			return new NatsConnectionException("The server at " + servers + " accepts connections but did not "
					+ "complete the NATS handshake within " + options.getConnectionTimeout() + " (" + cause + ")",
					"jetway.nats.servers",
					"Check that the URL points at a NATS client port (4222 by default); if the server requires TLS, "
							+ "use a tls:// URL or set jetway.nats.tls.enabled / jetway.nats.tls.bundle.",
					ex);
		}
		return new NatsConnectionException(
				"No NATS server answered at " + servers + " within " + options.getConnectionTimeout() + " (" + cause
						+ ")",
				"jetway.nats.servers",
				"A NATS server with JetStream must run there. Start one with 'nats-server -js' (Debian: "
						+ "apt-get install nats-server), or point jetway.nats.servers at a running server.",
				ex);
	}

	private static boolean acceptsTcp(String server, Duration timeout) {
		try (Socket socket = new Socket()) {
			URI uri = URI.create(server);
			socket.connect(new InetSocketAddress(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 4222),
					(int) Math.min(timeout.toMillis(), 2000));
			return true;
		}
		catch (IOException | IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * A failed first connect leaves the executors jnats made for these options running;
	 * stop them so that a failed start leaves nothing behind.
	 */
	private static void releaseExecutors(Options options) {
		try {
			options.shutdownExecutors();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			// already shut down
		}
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
