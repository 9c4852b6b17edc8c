package io.jetway.connection;

import java.io.File;
import java.net.URISyntaxException;

import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.jetway.connection.NatsConnectionFailureTests.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutual TLS against a server that verifies client certificates, with the test
 * certificates under {@code src/test/resources/tls}.
 */
class NatsTlsTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension((server) -> server.config("""
			tls {
			  cert_file: "%s"
			  key_file: "%s"
			  ca_file: "%s"
			  verify: true
			  timeout: 2
			}
			""".formatted(resource("server.pem"), resource("server-key.pem"), resource("ca.pem"))));

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, NatsConnectionAutoConfiguration.class))
		.withPropertyValues("spring.ssl.bundle.pem.nats.truststore.certificate=classpath:tls/ca.pem");

	@Test
	void connectsWithTheSslBundle() {
		this.contextRunner
			.withPropertyValues("jetway.nats.servers=tls://localhost:" + nats.server().port(),
					"jetway.nats.tls.bundle=nats",
					"spring.ssl.bundle.pem.nats.keystore.certificate=classpath:tls/client.pem",
					"spring.ssl.bundle.pem.nats.keystore.private-key=classpath:tls/client-key.pem")
			.run((context) -> assertThat(context.getBean(Connection.class).getStatus())
				.isEqualTo(Connection.Status.CONNECTED));
	}

	@Test
	void missingClientCertificateFailsNamingTheBundle() {
		this.contextRunner
			.withPropertyValues("jetway.nats.servers=tls://localhost:" + nats.server().port(),
					"jetway.nats.tls.bundle=nats", "jetway.nats.connect-timeout=2s")
			.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
				.contains("jetway.nats.tls.bundle"));
	}

	@Test
	void unknownBundleNamesTheProperty() {
		this.contextRunner
			.withPropertyValues("jetway.nats.servers=tls://localhost:" + nats.server().port(),
					"jetway.nats.tls.bundle=missing")
			.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
				.contains("SSL bundle 'missing' is not defined")
				.contains("jetway.nats.tls.bundle"));
	}

	private static String resource(String name) {
		try {
			return new File(NatsTlsTests.class.getResource("/tls/" + name).toURI()).getAbsolutePath();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
