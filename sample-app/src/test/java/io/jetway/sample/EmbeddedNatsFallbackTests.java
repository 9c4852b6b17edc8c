package io.jetway.sample;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.jetway.connection.NatsConnectionDetails;
import io.jetway.sample.nats.EmbeddedNatsFallback;
import io.jetway.sample.nats.EmbeddedNatsServer;
import io.jetway.sample.nats.NatsServerNotFoundException;
import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sample's nats-server fallback: started only when the configured loopback servers do
 * not answer, stopped on close, and a clear failure without a binary.
 */
class EmbeddedNatsFallbackTests {

	@TempDir
	Path dataDirectory;

	@Test
	void startsNatsServerWhenNothingAnswersAndStopsItOnClose() throws Exception {
		EmbeddedNatsFallback fallback = fallback(new MockEnvironment());
		NatsConnectionDetails details = (NatsConnectionDetails) fallback
			.postProcessAfterInitialization(details("nats://localhost:" + closedPort()), "natsConnectionDetails");
		EmbeddedNatsServer server = fallback.getServer();
		assertThat(server).isNotNull();
		assertThat(details.getServers()).containsExactly(server.url());
		assertThat(server.storeDirectory()).isEqualTo(this.dataDirectory.resolve("nats"));
		try (Connection connection = Nats.connect(server.url())) {
			assertThat(connection.getServerInfo().isJetStreamAvailable()).isTrue();
		}
		fallback.destroy();
		assertThat(server.isRunning()).isFalse();
		assertThat(Files.isDirectory(this.dataDirectory.resolve("nats/jetstream"))).isTrue();
	}

	@Test
	void leavesAServerThatAnswersAlone() {
		try (NatsServerProcess running = NatsServerProcess.start()) {
			NatsConnectionDetails original = details(running.url());
			EmbeddedNatsFallback fallback = fallback(new MockEnvironment());
			assertThat(fallback.postProcessAfterInitialization(original, "natsConnectionDetails")).isSameAs(original);
			assertThat(fallback.getServer()).isNull();
		}
	}

	@Test
	void leavesRemoteServersAndDisabledFallbackAlone() throws Exception {
		NatsConnectionDetails remote = details("nats://nats.invalid:4222");
		assertThat(fallback(new MockEnvironment()).postProcessAfterInitialization(remote, "d")).isSameAs(remote);
		NatsConnectionDetails local = details("nats://127.0.0.1:" + closedPort());
		EmbeddedNatsFallback disabled = fallback(new MockEnvironment().withProperty("sample.nats.embedded", "false"));
		assertThat(disabled.postProcessAfterInitialization(local, "d")).isSameAs(local);
		assertThat(disabled.getServer()).isNull();
	}

	@Test
	void failsSayingHowToGetNatsWhenThereIsNoBinary() throws Exception {
		EmbeddedNatsFallback fallback = fallback(
				new MockEnvironment().withProperty("sample.nats.server-binary", "/nonexistent/nats-server"));
		String url = "nats://localhost:" + closedPort();
		assertThatExceptionOfType(NatsServerNotFoundException.class)
			.isThrownBy(() -> fallback.postProcessAfterInitialization(details(url), "d"))
			.withMessage("No NATS server answers at " + url + " and no nats-server binary was found (looked in "
					+ "/nonexistent/nats-server (sample.nats.server-binary))");
	}

	private EmbeddedNatsFallback fallback(MockEnvironment environment) {
		EmbeddedNatsFallback fallback = new EmbeddedNatsFallback();
		environment.setProperty("sample.data-dir", this.dataDirectory.toString());
		fallback.setEnvironment(environment);
		return fallback;
	}

	private static NatsConnectionDetails details(String url) {
		return () -> List.of(url);
	}

	private static int closedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
