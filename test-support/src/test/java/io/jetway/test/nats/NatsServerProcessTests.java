package io.jetway.test.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

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
	void suspendReturnsWhenEveryThreadIsStopped() throws IOException {
		try (NatsServerProcess server = NatsServerProcess.start()) {
			server.suspend();
			try {
				List<String> states;
				try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(server.pid()), "task"))) {
					states = tasks.map(NatsServerProcessTests::state).toList();
				}
				assertThat(states).isNotEmpty().allMatch((state) -> state.equals("T") || state.equals("t"));
			}
			finally {
				server.resume();
			}
		}
	}

	@Test
	void stopsAndClosesASuspendedServerPromptly() {
		try (NatsServerProcess server = NatsServerProcess.start()) {
			server.suspend();
			long started = System.nanoTime();
			server.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
			assertThat(server.isRunning()).isFalse();
			server.restart();
			server.suspend();
			started = System.nanoTime();
			server.close();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
			assertThat(Files.exists(server.directory())).isFalse();
		}
	}

	private static String state(Path task) {
		try {
			String line = Files.readString(task.resolve("stat"));
			return line.substring(line.lastIndexOf(')') + 2, line.lastIndexOf(')') + 3);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
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
