package io.jetway.connection;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.util.StringUtils;

/**
 * Applies {@link JetwayNatsProperties} and {@link NatsConnectionDetails} to a jnats
 * {@link Options.Builder}, checking every value first so that a mistake is reported with
 * its property name rather than as a jnats exception.
 */
public class NatsOptionsConfigurer {

	private static final Set<String> SCHEMES = Set.of("nats", "tls", "opentls", "ws", "wss");

	private final JetwayNatsProperties properties;

	private final NatsConnectionDetails connectionDetails;

	private final @Nullable String defaultConnectionName;

	public NatsOptionsConfigurer(JetwayNatsProperties properties, NatsConnectionDetails connectionDetails,
			@Nullable String defaultConnectionName) {
		this.properties = properties;
		this.connectionDetails = connectionDetails;
		this.defaultConnectionName = defaultConnectionName;
	}

	public void configure(Options.Builder builder) {
		builder.servers(validServers().toArray(String[]::new));
		String name = StringUtils.hasText(this.properties.getConnectionName()) ? this.properties.getConnectionName()
				: this.defaultConnectionName;
		if (StringUtils.hasText(name)) {
			builder.connectionName(name);
		}
		builder.connectionTimeout(positive(this.properties.getConnectTimeout(), "jetway.nats.connect-timeout"));
		builder.reconnectWait(this.properties.getReconnectWait());
		builder.maxReconnects(this.properties.getMaxReconnects());
		builder.pingInterval(positive(this.properties.getPingInterval(), "jetway.nats.ping-interval"));
		configureAuthentication(builder);
		configureTls(builder);
	}

	List<String> validServers() {
		List<String> servers = this.connectionDetails.getServers();
		if (servers.isEmpty()) {
			throw new NatsConnectionException("No NATS server is configured", "jetway.nats.servers",
					"Set jetway.nats.servers to the URL of a NATS server with JetStream, for example "
							+ "nats://localhost:4222.");
		}
		List<String> valid = new ArrayList<>();
		for (int i = 0; i < servers.size(); i++) {
			valid.add(validServer(servers.get(i), "jetway.nats.servers[" + i + "]"));
		}
		return valid;
	}

	private String validServer(String server, String property) {
		String url = server.contains("://") ? server : "nats://" + server;
		String problem = null;
		try {
			URI uri = new URI(url);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!SCHEMES.contains(scheme)) {
				problem = "scheme '" + scheme + "' is not one of " + SCHEMES;
			}
			else if (!StringUtils.hasText(uri.getHost())) {
				problem = "it has no host name";
			}
			else if (uri.getPort() == 0 || uri.getPort() > 65535) {
				problem = "port " + uri.getPort() + " is out of range";
			}
		}
		catch (URISyntaxException ex) {
			problem = ex.getReason() + " at index " + ex.getIndex();
		}
		if (problem != null) {
			throw new NatsConnectionException("Malformed NATS server URL '" + server + "': " + problem, property,
					"Use the form nats://host:4222 (or tls://host:4222 for TLS); several servers are separated by commas.");
		}
		return url;
	}

	private void configureAuthentication(Options.Builder builder) {
		NatsConnectionDetails details = this.connectionDetails;
		List<String> methods = new ArrayList<>();
		if (StringUtils.hasText(details.getToken())) {
			methods.add("jetway.nats.token");
			builder.token(details.getToken().toCharArray());
		}
		if (StringUtils.hasText(details.getUsername()) || StringUtils.hasText(details.getPassword())) {
			methods.add("jetway.nats.username/password");
			if (!StringUtils.hasText(details.getUsername()) || !StringUtils.hasText(details.getPassword())) {
				throw new NatsConnectionException("Only one of username and password is set",
						StringUtils.hasText(details.getUsername()) ? "jetway.nats.password" : "jetway.nats.username",
						"Set both jetway.nats.username and jetway.nats.password, or neither.");
			}
			builder.userInfo(details.getUsername().toCharArray(), details.getPassword().toCharArray());
		}
		if (StringUtils.hasText(details.getCredentialsFile())) {
			methods.add("jetway.nats.credentials-file");
			Path file = Path.of(details.getCredentialsFile());
			if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
				throw new NatsConnectionException(
						"The NATS credentials file '" + file.toAbsolutePath() + "' does not exist or is not readable",
						"jetway.nats.credentials-file",
						"Point jetway.nats.credentials-file at the .creds file issued for this application "
								+ "(for example with 'nsc generate creds'), and check the file permissions.");
			}
			builder.authHandler(Nats.credentials(file.toString()));
		}
		if (StringUtils.hasText(details.getNkeySeed())) {
			methods.add("jetway.nats.nkey-seed");
			char[] seed = details.getNkeySeed().trim().toCharArray();
			try {
				NKey.fromSeed(seed);
			}
			catch (RuntimeException ex) {
				throw new NatsConnectionException("The NKey seed is not a valid seed: " + ex.getMessage(),
						"jetway.nats.nkey-seed",
						"Set jetway.nats.nkey-seed to the user seed (it starts with 'SU'), not the public key (starts with 'U').",
						ex);
			}
			builder.authHandler(Nats.staticCredentials(null, seed));
		}
		if (methods.size() > 1) {
			throw new NatsConnectionException("More than one NATS authentication method is configured: " + methods,
					methods.get(0), "Keep exactly one of token, username + password, credentials-file or nkey-seed.");
		}
	}

	private void configureTls(Options.Builder builder) {
		SslBundle bundle = this.connectionDetails.getSslBundle();
		if (bundle != null) {
			builder.sslContext(bundle.createSslContext());
		}
		else if (this.properties.getTls().isEnabled()) {
			try {
				builder.secure();
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	private static Duration positive(Duration value, String property) {
		if (value.isNegative() || value.isZero()) {
			throw new NatsConnectionException("'" + value + "' is not a positive duration", property,
					"Set " + property + " to a positive duration such as 5s.");
		}
		return value;
	}

}
