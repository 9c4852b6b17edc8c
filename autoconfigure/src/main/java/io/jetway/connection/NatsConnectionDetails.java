package io.jetway.connection;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Where the NATS server is and how to log in to it. The default implementation reads
 * {@code jetway.nats.*}; a Testcontainers or Docker Compose integration can supply its
 * own bean instead.
 */
public interface NatsConnectionDetails extends ConnectionDetails {

	/**
	 * The server URLs, for example {@code nats://localhost:4222}.
	 * @return at least one URL
	 */
	List<String> getServers();

	default @Nullable String getToken() {
		return null;
	}

	default @Nullable String getUsername() {
		return null;
	}

	default @Nullable String getPassword() {
		return null;
	}

	/**
	 * @return the path of a {@code .creds} file, or {@code null}
	 */
	default @Nullable String getCredentialsFile() {
		return null;
	}

	default @Nullable String getNkeySeed() {
		return null;
	}

	/**
	 * @return the SSL bundle for TLS connections, or {@code null} for none
	 */
	default @Nullable SslBundle getSslBundle() {
		return null;
	}

}
