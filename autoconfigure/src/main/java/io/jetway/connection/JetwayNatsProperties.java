package io.jetway.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where Jetway's NATS server is and how it connects to it.
 *
 * @see NatsConnectionAutoConfiguration
 */
@ConfigurationProperties("jetway.nats")
public class JetwayNatsProperties {

	/**
	 * NATS server URLs (nats://, tls://, ws:// or wss://). A cluster is given as several
	 * URLs, as a list or comma-separated.
	 */
	private List<String> servers = new ArrayList<>(List.of("nats://localhost:4222"));

	/**
	 * Name the connection reports to the server (shown by 'nats server report
	 * connections'). Defaults to spring.application.name.
	 */
	private @Nullable String connectionName;

	/**
	 * How long one attempt to connect to a server may take. Startup fails after this when
	 * no server answers.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Wait between reconnect attempts to the same server after the connection is lost.
	 */
	private Duration reconnectWait = Duration.ofSeconds(2);

	/**
	 * Reconnect attempts after the connection is lost before the connection is closed for
	 * good; -1 reconnects forever.
	 */
	private int maxReconnects = -1;

	/**
	 * Interval of client pings that detect a dead connection.
	 */
	private Duration pingInterval = Duration.ofMinutes(2);

	/**
	 * How long shutdown waits for in-flight messages to be flushed (drain) before the
	 * connection is closed.
	 */
	private Duration drainTimeout = Duration.ofSeconds(10);

	/**
	 * Token for token authentication.
	 */
	private @Nullable String token;

	/**
	 * User name for user/password authentication; requires password.
	 */
	private @Nullable String username;

	/**
	 * Password for user/password authentication; requires username.
	 */
	private @Nullable String password;

	/**
	 * Path of a NATS credentials file (.creds, holding a user JWT and NKey seed), as
	 * issued by an operator for decentralized authentication.
	 */
	private @Nullable String credentialsFile;

	/**
	 * NKey seed (starts with 'SU') for NKey authentication.
	 */
	private @Nullable String nkeySeed;

	private final Tls tls = new Tls();

	public List<String> getServers() {
		return this.servers;
	}

	public void setServers(List<String> servers) {
		this.servers = servers;
	}

	public @Nullable String getConnectionName() {
		return this.connectionName;
	}

	public void setConnectionName(@Nullable String connectionName) {
		this.connectionName = connectionName;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getReconnectWait() {
		return this.reconnectWait;
	}

	public void setReconnectWait(Duration reconnectWait) {
		this.reconnectWait = reconnectWait;
	}

	public int getMaxReconnects() {
		return this.maxReconnects;
	}

	public void setMaxReconnects(int maxReconnects) {
		this.maxReconnects = maxReconnects;
	}

	public Duration getPingInterval() {
		return this.pingInterval;
	}

	public void setPingInterval(Duration pingInterval) {
		this.pingInterval = pingInterval;
	}

	public Duration getDrainTimeout() {
		return this.drainTimeout;
	}

	public void setDrainTimeout(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
	}

	public @Nullable String getToken() {
		return this.token;
	}

	public void setToken(@Nullable String token) {
		this.token = token;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public @Nullable String getCredentialsFile() {
		return this.credentialsFile;
	}

	public void setCredentialsFile(@Nullable String credentialsFile) {
		this.credentialsFile = credentialsFile;
	}

	public @Nullable String getNkeySeed() {
		return this.nkeySeed;
	}

	public void setNkeySeed(@Nullable String nkeySeed) {
		this.nkeySeed = nkeySeed;
	}

	public Tls getTls() {
		return this.tls;
	}

	/**
	 * TLS settings.
	 */
	public static class Tls {

		/**
		 * Whether to connect with TLS. Without a bundle, the JVM's default trust store
		 * verifies the server. tls:// and wss:// URLs turn TLS on as well.
		 */
		private boolean enabled;

		/**
		 * Name of an SSL bundle (spring.ssl.bundle.*) holding the CA that signed the
		 * server certificate and, for mutual TLS, the client certificate and key. Setting
		 * it turns TLS on.
		 */
		private @Nullable String bundle;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

}
