package io.jetway.docker.compose;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.connection.NatsConnectionDetails;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import org.jspecify.annotations.Nullable;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactory;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which Docker Compose services give {@link NatsConnectionDetails}, and what those
 * details say. No Docker runs here: {@link FakeRunningService} stands for the service
 * spring-boot-docker-compose would report, and the factory is found the way Spring Boot
 * finds it, through {@code META-INF/spring.factories}.
 */
class NatsDockerComposeConnectionDetailsFactoryTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension(
			(server) -> server.config("authorization { user: app, password: pw }"));

	private final ConnectionDetailsFactories factories = new ConnectionDetailsFactories(getClass().getClassLoader());

	@Test
	void isRegisteredInSpringFactories() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(ConnectionDetailsFactory.class, FailureHandler.logging(LogFactory.getLog(getClass()))))
			.hasAtLeastOneElementOfType(NatsDockerComposeConnectionDetailsFactory.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "nats", "nats:2.10", "nats:2.10-alpine", "docker.io/library/nats:2.10",
			"bitnami/nats:2.10", "registry.example.com/mirror/nats:2.10", "localhost:5000/nats" })
	void natsImagesGiveTheServerAtThePublishedClientPort(String image) {
		NatsConnectionDetails details = detailsFor(new FakeRunningService(image, 41234));
		assertThat(details).isNotNull();
		assertThat(Arrays.asList(details.getServers(), details.getToken(), details.getUsername(), details.getPassword(),
				details.getSslBundle()))
			.containsExactly(List.of("nats://127.0.0.1:41234"), null, null, null, null);
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis:7", "rabbitmq:3", "natsio/nats-box:latest", "acme/nats-exporter:1",
			"nats-streaming:0.25" })
	void otherImagesGiveNoNatsDetails(String image) {
		assertThat(detailsFor(new FakeRunningService(image, 41234))).isNull();
	}

	@Test
	void serviceConnectionLabelMakesAnyImageNats() {
		NatsConnectionDetails details = detailsFor(new FakeRunningService("acme/messaging:3",
				Map.of("org.springframework.boot.service-connection", "nats"), 41235));
		assertThat(details.getServers()).containsExactly("nats://127.0.0.1:41235");
	}

	@Test
	void serviceConnectionLabelNamingAnotherServiceWins() {
		assertThat(detailsFor(new FakeRunningService("nats:2.10",
				Map.of("org.springframework.boot.service-connection", "redis"), 41236)))
			.isNull();
	}

	@Test
	void credentialsComeFromLabels() {
		NatsConnectionDetails token = detailsFor(
				new FakeRunningService("nats:2.10", Map.of("io.jetway.nats.token", "s3cr3t"), 41237));
		assertThat(token.getToken()).isEqualTo("s3cr3t");
		assertThat(token.getUsername()).isNull();
		NatsConnectionDetails user = detailsFor(new FakeRunningService("nats:2.10",
				Map.of("io.jetway.nats.username", "app", "io.jetway.nats.password", "pw"), 41237));
		assertThat(user.getUsername()).isEqualTo("app");
		assertThat(user.getPassword()).isEqualTo("pw");
		assertThat(user.getToken()).isNull();
	}

	@Test
	void jetwayConnectsWithTheServiceDetailsInsteadOfTheProperties() {
		NatsConnectionDetails details = detailsFor(new FakeRunningService("nats:2.10",
				Map.of("io.jetway.nats.username", "app", "io.jetway.nats.password", "pw"), nats.server().port()));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NatsConnectionAutoConfiguration.class))
			.withPropertyValues("jetway.nats.servers=nats://127.0.0.1:1")
			.withBean(NatsConnectionDetails.class, () -> details)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Connection connection = context.getBean(Connection.class);
				assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
				assertThat(connection.getConnectedUrl()).endsWith(":" + nats.server().port());
			});
	}

	private @Nullable NatsConnectionDetails detailsFor(FakeRunningService service) {
		return (NatsConnectionDetails) this.factories.getConnectionDetails(service.source(), false)
			.get(NatsConnectionDetails.class);
	}

}
