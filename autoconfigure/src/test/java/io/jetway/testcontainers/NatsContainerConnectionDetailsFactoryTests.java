package io.jetway.testcontainers;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.jetway.connection.NatsConnectionDetails;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactory;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Which {@code @ServiceConnection} containers give {@link NatsConnectionDetails}, and
 * what those details say. No container runs (there is no Docker engine here):
 * {@link UnstartedNatsContainer} answers for one, and the factory is found the way Spring
 * Boot finds it, through {@code META-INF/spring.factories}.
 */
class NatsContainerConnectionDetailsFactoryTests {

	private final ConnectionDetailsFactories factories = new ConnectionDetailsFactories(getClass().getClassLoader());

	@Test
	void isRegisteredInSpringFactories() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(ConnectionDetailsFactory.class, FailureHandler.logging(LogFactory.getLog(getClass()))))
			.hasAtLeastOneElementOfType(NatsContainerConnectionDetailsFactory.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "nats", "nats:2.10", "nats:2.10-alpine", "docker.io/library/nats:2.10",
			"registry.example.com/nats:2.10", "registry.example.com:5000/nats", "bitnami/nats:2.10",
			"docker.io/bitnami/nats:latest" })
	void natsImagesGiveTheServerAtTheMappedClientPort(String image) throws Exception {
		NatsConnectionDetails details = detailsFor(new UnstartedNatsContainer(image, () -> 41234), "");
		assertThat(details).isNotNull();
		assertThat(Arrays.asList(details.getServers(), details.getToken(), details.getUsername(), details.getPassword(),
				details.getSslBundle()))
			.containsExactly(List.of("nats://127.0.0.1:41234"), null, null, null, null);
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis:7", "postgres:15", "acme/nats-exporter:1", "natsio/nats-box", "nats-streaming" })
	void otherImagesGiveNoNatsDetails(String image) throws Exception {
		assertThat(detailsFor(new UnstartedNatsContainer(image, () -> 41234), "")).isNull();
	}

	@Test
	void anyImageNamedNatsByTheAnnotationIsNats() throws Exception {
		NatsConnectionDetails details = detailsFor(new UnstartedNatsContainer("acme/messaging:3", () -> 41235), "nats");
		assertThat(details.getServers()).containsExactly("nats://127.0.0.1:41235");
	}

	@Test
	void anyImageWhoseAnnotationAsksForNatsDetailsIsNats() throws Exception {
		NatsConnectionDetails details = detailsFor(new UnstartedNatsContainer("acme/messaging:3", () -> 41236), "",
				NatsConnectionDetails.class);
		assertThat(details.getServers()).containsExactly("nats://127.0.0.1:41236");
	}

	@Test
	void annotationAskingForOtherDetailsGivesNoNatsDetails() throws Exception {
		assertThat(detailsFor(new UnstartedNatsContainer("nats:2.10", () -> 41237), "", OtherDetails.class)).isNull();
	}

	@Test
	void tokenComesFromTheAuthOption() throws Exception {
		NatsConnectionDetails details = detailsFor(
				new UnstartedNatsContainer("nats:2.10", () -> 41238).withCommand("-js", "--auth", "s3cr3t"), "");
		assertThat(details.getToken()).isEqualTo("s3cr3t");
		assertThat(details.getUsername()).isNull();
		assertThat(details.getPassword()).isNull();
	}

	@Test
	void userAndPasswordComeFromTheUserAndPassOptionsInEitherForm() throws Exception {
		NatsConnectionDetails details = detailsFor(
				new UnstartedNatsContainer("nats:2.10", () -> 41239).withCommand("-js", "-user=app", "--pass", "pw"),
				"");
		assertThat(details.getUsername()).isEqualTo("app");
		assertThat(details.getPassword()).isEqualTo("pw");
		assertThat(details.getToken()).isNull();
	}

	@Test
	void optionValuesAreNotMistakenForOptions() {
		String[] command = { "-js", "--server_name", "user", "--auth=t0k", "--user" };
		assertThat(NatsContainerConnectionDetailsFactory.option(command, "user")).isNull();
		assertThat(NatsContainerConnectionDetailsFactory.option(command, "auth")).isEqualTo("t0k");
		assertThat(NatsContainerConnectionDetailsFactory.option(command, "pass")).isNull();
	}

	@Test
	void containerWithoutTheClientPortFailsNamingTheFix() throws Exception {
		NatsConnectionDetails details = detailsFor(
				new UnstartedNatsContainer("nats:2.10", () -> 41240).withoutClientPort(), "");
		assertThatIllegalStateException().isThrownBy(details::getServers)
			.withMessageContaining("does not expose the client port 4222")
			.withMessageContaining(".withExposedPorts(4222)");
	}

	private NatsConnectionDetails detailsFor(UnstartedNatsContainer container, String name, Class<?>... types)
			throws Exception {
		Map<Class<?>, ConnectionDetails> details = this.factories
			.getConnectionDetails(ContainerConnectionSources.of(container, name, types), false);
		NatsConnectionDetails nats = (NatsConnectionDetails) details.get(NatsConnectionDetails.class);
		if (nats instanceof InitializingBean bean) {
			bean.afterPropertiesSet(); // as the bean factory does for a
										// @ServiceConnection bean
		}
		return nats;
	}

	interface OtherDetails extends ConnectionDetails {

	}

}
