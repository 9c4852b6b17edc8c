package io.jetway.test.nats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NatsServerProcessTests {

	@Test
	void startsStopsAndRestartsOnTheSamePortWithTheSameStore() {
		try (NatsServerProcess server = NatsServerProcess.start()) {
			int port = server.port();
			assertThat(accepts(port)).isTrue();
			assertThat(server.log()).contains("Starting JetStream");
			server.stop();
			assertThat(server.isRunning()).isFalse();
			assertThat(accepts(port)).isFalse();
			server.restart();
			assertThat(server.port()).isEqualTo(port);
			assertThat(accepts(port)).isTrue();
			assertThat(Files.exists(server.directory().resolve("store"))).isTrue();
			server.kill();
			assertThat(server.isRunning()).isFalse();
			server.restart();
			assertThat(accepts(port)).isTrue();
			server.close();
			assertThat(Files.exists(server.directory())).isFalse();
		}
	}

	@Test
	void startsWithoutJetStreamWhenAsked() {
		try (NatsServerProcess server = NatsServerProcess.builder().withoutJetStream().start()) {
			assertThat(server.log()).doesNotContain("Starting JetStream");
		}
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
