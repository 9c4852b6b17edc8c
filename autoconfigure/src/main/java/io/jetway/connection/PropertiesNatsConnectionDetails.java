package io.jetway.connection;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

/**
 * {@link NatsConnectionDetails} backed by {@link JetwayNatsProperties}.
 */
public class PropertiesNatsConnectionDetails implements NatsConnectionDetails {

	private final JetwayNatsProperties properties;

	private final @Nullable SslBundles sslBundles;

	public PropertiesNatsConnectionDetails(JetwayNatsProperties properties, @Nullable SslBundles sslBundles) {
		this.properties = properties;
		this.sslBundles = sslBundles;
	}

	@Override
	public List<String> getServers() {
		return this.properties.getServers()
			.stream()
			.flatMap((server) -> StringUtils.commaDelimitedListToSet(server).stream())
			.map(String::trim)
			.filter(StringUtils::hasText)
			.toList();
	}

	@Override
	public @Nullable String getToken() {
		return this.properties.getToken();
	}

	@Override
	public @Nullable String getUsername() {
		return this.properties.getUsername();
	}

	@Override
	public @Nullable String getPassword() {
		return this.properties.getPassword();
	}

	@Override
	public @Nullable String getCredentialsFile() {
		return this.properties.getCredentialsFile();
	}

	@Override
	public @Nullable String getNkeySeed() {
		return this.properties.getNkeySeed();
	}

	@Override
	public @Nullable SslBundle getSslBundle() {
		String bundle = this.properties.getTls().getBundle();
		if (!StringUtils.hasText(bundle)) {
			return null;
		}
		if (this.sslBundles == null) {
			throw new NatsConnectionException("SSL bundle '" + bundle + "' cannot be used: no SslBundles bean exists",
					"jetway.nats.tls.bundle", "Define the bundle under spring.ssl.bundle.pem." + bundle
							+ " or spring.ssl.bundle.jks." + bundle + " so that Spring Boot creates it.");
		}
		try {
			return this.sslBundles.getBundle(bundle);
		}
		catch (NoSuchSslBundleException ex) {
			throw new NatsConnectionException("SSL bundle '" + bundle + "' is not defined", "jetway.nats.tls.bundle",
					"Define it under spring.ssl.bundle.pem." + bundle + " (PEM files) or spring.ssl.bundle.jks."
							+ bundle + " (key stores), or correct jetway.nats.tls.bundle.",
					ex);
		}
	}

}
