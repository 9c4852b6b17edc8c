package io.jetway.testcontainers;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.connection.NatsConnectionDetails;
import io.jetway.connection.PropertiesNatsConnectionDetails;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.containers.GenericContainer;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @ServiceConnection} NATS container in a {@code @SpringBootTest} class, through
 * Spring Boot's own Testcontainers support, without Docker: the container is an
 * {@link UnstartedNatsContainer} whose mapped client port is a private nats-server's that
 * requires a token, and the configured {@code jetway.nats.servers} points nowhere. Jetway
 * connecting proves that the details came from the container, token included.
 */
class NatsServiceConnectionTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension(
			(server) -> server.config("authorization { token: s3cr3t }"));

	@Test
	void jetwayConnectsToTheContainerWithTheTokenFromItsCommandAndIgnoresTheProperties() throws Exception {
		TestContextManager manager = new TestContextManager(ContainerTestClass.class);
		try {
			ApplicationContext context = manager.getTestContext().getApplicationContext();
			assertThat(context.getBeansOfType(NatsConnectionDetails.class)).hasSize(1);
			NatsConnectionDetails details = context.getBean(NatsConnectionDetails.class);
			assertThat(details).isNotInstanceOf(PropertiesNatsConnectionDetails.class);
			assertThat(details.getServers()).containsExactly(nats.url());
			Connection connection = context.getBean(Connection.class);
			assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
			assertThat(connection.getConnectedUrl()).endsWith(":" + nats.server().port());
			assertThat(connection.getServerInfo().isJetStreamAvailable()).isTrue();
		}
		finally {
			manager.getTestContext().markApplicationContextDirty(null);
		}
	}

	@SpringBootTest(classes = NatsOnly.class, properties = "jetway.nats.servers=nats://127.0.0.1:1")
	static class ContainerTestClass {

		@ServiceConnection
		static final GenericContainer<?> nats = new UnstartedNatsContainer("nats:2.10",
				() -> NatsServiceConnectionTests.nats.server().port())
			.withCommand("-js", "--auth", "s3cr3t");

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(NatsConnectionAutoConfiguration.class)
	static class NatsOnly {

	}

}
