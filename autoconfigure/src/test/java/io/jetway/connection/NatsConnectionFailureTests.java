package io.jetway.connection;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import io.jetway.test.nats.NatsServerExtension;
import io.jetway.test.net.FreePort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class NatsConnectionFailureTests {

	@RegisterExtension
	static final NatsServerExtension natsWithoutJetStream = new NatsServerExtension(
			(server) -> server.withoutJetStream());

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsConnectionAutoConfiguration.class));

	@Test
	void unreachableServerFailsWithinTheConnectTimeoutNamingTheUrl() throws Exception {
		String url = "nats://127.0.0.1:" + FreePort.find();
		long start = System.nanoTime();
		this.contextRunner.withPropertyValues("jetway.nats.servers=" + url, "jetway.nats.connect-timeout=1s")
			.run((context) -> {
				NatsConnectionException failure = failure(context.getStartupFailure());
				assertThat(failure.getMessage()).contains(url)
					.contains("jetway.nats.servers")
					.contains("NATS server with JetStream must run")
					.contains("nats-server -js");
			});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void serverThatAcceptsButNeverAnswersFailsWithinTheConnectTimeout() throws Exception {
		try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
			String url = "nats://127.0.0.1:" + silent.getLocalPort();
			long start = System.nanoTime();
			this.contextRunner.withPropertyValues("jetway.nats.servers=" + url, "jetway.nats.connect-timeout=1s")
				.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage()).contains(url));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
		}
	}

	@Test
	void serverWithoutJetStreamFailsSayingHowToEnableIt() {
		this.contextRunner.withPropertyValues("jetway.nats.servers=" + natsWithoutJetStream.url())
			.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
				.contains("without JetStream")
				.contains("-js"));
	}

	@Test
	void malformedUrlNamesTheProperty() {
		// a private server's URL beside the malformed one, never the machine's server on
		// 4222: the second surefire run tests another nats-server version
		this.contextRunner
			.withPropertyValues("jetway.nats.servers=" + natsWithoutJetStream.url() + ",http://example:80")
			.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
				.contains("Malformed NATS server URL 'http://example:80'")
				.contains("jetway.nats.servers[1]"));
		this.contextRunner
			.withPropertyValues("jetway.nats.servers=nats://exa mple:" + natsWithoutJetStream.server().port())
			.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
				.contains("jetway.nats.servers[0]"));
	}

	@Test
	void missingCredentialsFileNamesTheProperty() {
		Path missing = Path.of("does-not-exist", "app.creds");
		this.contextRunner
			.withPropertyValues("jetway.nats.servers=" + natsWithoutJetStream.url(),
					"jetway.nats.credentials-file=" + missing)
			.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
				.contains(missing.toAbsolutePath().toString())
				.contains("jetway.nats.credentials-file"));
	}

	@Test
	void invalidNkeySeedNamesTheProperty() {
		this.contextRunner
			.withPropertyValues("jetway.nats.servers=" + natsWithoutJetStream.url(),
					"jetway.nats.nkey-seed=UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4")
			.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
				.contains("jetway.nats.nkey-seed"));
	}

	@Test
	void usernameWithoutPasswordNamesTheMissingProperty() {
		this.contextRunner
			.withPropertyValues("jetway.nats.servers=" + natsWithoutJetStream.url(), "jetway.nats.username=app")
			.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
				.contains("jetway.nats.password"));
	}

	@Test
	void failureAnalyzerGivesDescriptionAndAction() {
		NatsConnectionException exception = new NatsConnectionException("Bad thing", "jetway.nats.token",
				"Do the fix.");
		FailureAnalysis analysis = new io.jetway.support.JetwayFailureAnalyzer()
			.analyze(new IllegalStateException(exception));
		assertThat(analysis.getDescription()).isEqualTo("Bad thing (property jetway.nats.token).");
		assertThat(analysis.getAction()).isEqualTo("Do the fix.");
	}

	static NatsConnectionException failure(Throwable startupFailure) {
		assertThat(startupFailure).isNotNull();
		for (Throwable current = startupFailure; current != null; current = current.getCause()) {
			if (current instanceof NatsConnectionException natsFailure) {
				return natsFailure;
			}
		}
		throw new AssertionError("Expected a NatsConnectionException in the cause chain", startupFailure);
	}

}
