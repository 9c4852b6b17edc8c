package io.jetway.sample.nats;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.jetway.connection.NatsConnectionDetails;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Makes the sample run on a machine without a NATS server: when the
 * {@link NatsConnectionDetails} Jetway is about to connect with name only loopback
 * servers and none of them answers, starts {@code nats-server -js} (from
 * {@code sample.nats.server-binary}, {@code PATH} or {@code /usr/sbin}) on a free port
 * with its store under {@code <sample.data-dir>/nats}, hands Jetway its address, and
 * stops it when the application closes. Without a binary the start fails at once, saying
 * how to get one.
 * <p>
 * It looks at the connection details when they are created, after test property
 * registrars ran, so a test that supplies {@code jetway.nats.servers} of a server that
 * runs never starts one. {@code sample.nats.embedded=false} turns it off.
 */
public class EmbeddedNatsFallback implements BeanPostProcessor, EnvironmentAware, DisposableBean {

	private static final Log logger = LogFactory.getLog(EmbeddedNatsFallback.class);

	private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

	private @Nullable Environment environment;

	private volatile @Nullable EmbeddedNatsServer server;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof NatsConnectionDetails details) || !enabled() || this.server != null) {
			return bean;
		}
		List<String> servers = details.getServers();
		if (servers.isEmpty() || !servers.stream().allMatch(EmbeddedNatsFallback::isLoopback)
				|| servers.stream().anyMatch(EmbeddedNatsFallback::answers)) {
			return bean;
		}
		List<String> searched = new ArrayList<>();
		Path binary = findBinary(searched);
		if (binary == null) {
			throw new NatsServerNotFoundException(servers, searched);
		}
		Path directory = dataDirectory().resolve("nats");
		logger.info("No NATS server answers at " + String.join(", ", servers) + "; starting " + binary
				+ " -js on a free port, JetStream store in " + directory.toAbsolutePath().normalize());
		EmbeddedNatsServer started = EmbeddedNatsServer.start(binary, directory);
		this.server = started;
		logger.info("Embedded NATS server runs at " + started.url() + " (store "
				+ started.storeDirectory().toAbsolutePath().normalize() + ", log "
				+ started.logFile().toAbsolutePath().normalize() + "); it stops when the application stops");
		return new EmbeddedConnectionDetails(details, started.url());
	}

	/**
	 * @return the server this fallback started, or {@code null}
	 */
	public @Nullable EmbeddedNatsServer getServer() {
		return this.server;
	}

	@Override
	public void destroy() {
		EmbeddedNatsServer started = this.server;
		if (started != null) {
			logger.info("Stopping the embedded NATS server at " + started.url());
			started.close();
			this.server = null;
		}
	}

	private boolean enabled() {
		return this.environment == null || this.environment.getProperty("sample.nats.embedded", Boolean.class, true);
	}

	private Path dataDirectory() {
		String directory = (this.environment != null) ? this.environment.getProperty("sample.data-dir", "data")
				: "data";
		return Path.of(directory);
	}

	private @Nullable Path findBinary(List<String> searched) {
		String configured = (this.environment != null) ? this.environment.getProperty("sample.nats.server-binary")
				: null;
		if (StringUtils.hasText(configured)) {
			searched.add(configured + " (sample.nats.server-binary)");
			Path path = Path.of(configured);
			return Files.isExecutable(path) ? path : null;
		}
		String pathVariable = System.getenv("PATH");
		if (pathVariable != null) {
			searched.add("PATH");
			for (String entry : pathVariable.split(File.pathSeparator)) {
				if (!entry.isBlank()) {
					Path candidate = Path.of(entry, "nats-server");
					if (Files.isExecutable(candidate)) {
						return candidate;
					}
				}
			}
		}
		for (String fallback : List.of("/usr/sbin/nats-server", "/usr/local/bin/nats-server")) {
			searched.add(fallback);
			Path candidate = Path.of(fallback);
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	static boolean isLoopback(String server) {
		String host = host(server);
		return host != null && LOOPBACK.contains(host.toLowerCase());
	}

	static boolean answers(String server) {
		String host = host(server);
		if (host == null) {
			return true; // not understood: leave it to Jetway's connection
		}
		URI uri = URI.create(server.contains("://") ? server : "nats://" + server);
		return EmbeddedNatsServer.answers(host, (uri.getPort() > 0) ? uri.getPort() : 4222);
	}

	private static @Nullable String host(String server) {
		try {
			return URI.create(server.contains("://") ? server : "nats://" + server).getHost();
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * The application's connection details with the embedded server's address.
	 */
	private static final class EmbeddedConnectionDetails implements NatsConnectionDetails {

		private final NatsConnectionDetails delegate;

		private final String url;

		EmbeddedConnectionDetails(NatsConnectionDetails delegate, String url) {
			this.delegate = delegate;
			this.url = url;
		}

		@Override
		public List<String> getServers() {
			return List.of(this.url);
		}

		@Override
		public @Nullable String getToken() {
			return this.delegate.getToken();
		}

		@Override
		public @Nullable String getUsername() {
			return this.delegate.getUsername();
		}

		@Override
		public @Nullable String getPassword() {
			return this.delegate.getPassword();
		}

		@Override
		public @Nullable String getCredentialsFile() {
			return this.delegate.getCredentialsFile();
		}

		@Override
		public @Nullable String getNkeySeed() {
			return this.delegate.getNkeySeed();
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return this.delegate.getSslBundle();
		}

	}

}
