package io.jetway.test.context;

import java.nio.file.Files;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * {@link PrivateNatsServer}'s lifecycle, driven through the Spring test framework as a
 * test class would drive it: one server per distinct configuration, stopped and deleted
 * when its context closes; the token; the version.
 */
class PrivateNatsServerLifecycleTests {

	@Test
	void serverStopsAndItsStoreIsDeletedWhenTheContextCloses() {
		TestContextManager manager = new TestContextManager(TokenTestClass.class);
		ApplicationContext context = manager.getTestContext().getApplicationContext();
		NatsServerProcess server = context.getBean(NatsServerProcess.class);
		assertThat(server.isRunning()).isTrue();
		assertThat(context.getBean(Connection.class).getConnectedUrl()).endsWith(":" + server.port());
		manager.getTestContext().markApplicationContextDirty(null);
		assertThat(server.isRunning()).isFalse();
		assertThat(Files.exists(server.directory())).isFalse();
	}

	@Test
	void serverRequiresTheTokenAndJetwayConnectsWithIt() throws Exception {
		TestContextManager manager = new TestContextManager(TokenTestClass.class);
		try {
			ApplicationContext context = manager.getTestContext().getApplicationContext();
			NatsServerProcess server = context.getBean(NatsServerProcess.class);
			assertThat(context.getBean(Connection.class).getStatus()).isEqualTo(Connection.Status.CONNECTED);
			assertThatIOException().isThrownBy(() -> Nats
				.connect(new Options.Builder().server(server.url()).maxReconnects(0).noReconnect().build()));
		}
		finally {
			manager.getTestContext().markApplicationContextDirty(null);
		}
	}

	@Test
	void classesWithTheSameAttributesShareOneServerAndOthersHaveTheirOwn() {
		TestContextManager token = new TestContextManager(TokenTestClass.class);
		TestContextManager sameToken = new TestContextManager(SameTokenTestClass.class);
		TestContextManager noToken = new TestContextManager(NoTokenTestClass.class);
		try {
			NatsServerProcess first = token.getTestContext().getApplicationContext().getBean(NatsServerProcess.class);
			NatsServerProcess shared = sameToken.getTestContext()
				.getApplicationContext()
				.getBean(NatsServerProcess.class);
			NatsServerProcess other = noToken.getTestContext().getApplicationContext().getBean(NatsServerProcess.class);
			assertThat(shared).isSameAs(first);
			assertThat(other).isNotSameAs(first);
			assertThat(other.port()).isNotEqualTo(first.port());
		}
		finally {
			token.getTestContext().markApplicationContextDirty(null);
			noToken.getTestContext().markApplicationContextDirty(null);
		}
	}

	@Test
	void noServerStartsWhenJetwayIsOff() {
		TestContextManager manager = new TestContextManager(JetwayOffTestClass.class);
		try {
			ConfigurableApplicationContext context = (ConfigurableApplicationContext) manager.getTestContext()
				.getApplicationContext();
			assertThat(context.containsBeanDefinition(PrivateNatsServerContextCustomizer.SERVER_BEAN_NAME)).isTrue();
			assertThat(context.getBeanFactory().containsSingleton(PrivateNatsServerContextCustomizer.SERVER_BEAN_NAME))
				.isFalse();
			assertThat(context.getBeanNamesForType(Connection.class)).isEmpty();
		}
		finally {
			manager.getTestContext().markApplicationContextDirty(null);
		}
	}

	@Test
	void versionRunsThatNatsServer() {
		TestContextManager manager = new TestContextManager(Version215TestClass.class);
		try {
			ApplicationContext context = manager.getTestContext().getApplicationContext();
			assertThat(context.getBean(NatsServerProcess.class).version()).startsWith("2.15.");
			assertThat(context.getBean(Connection.class).getServerInfo().getVersion()).startsWith("2.15.");
		}
		finally {
			manager.getTestContext().markApplicationContextDirty(null);
		}
	}

	@Test
	void versionThatIsNotInstalledFailsTheContextNamingTheCommandThatFetchesIt() {
		TestContextManager manager = new TestContextManager(MissingVersionTestClass.class);
		assertThatException().isThrownBy(() -> manager.getTestContext().getApplicationContext())
			.withStackTraceContaining("nats-server 1.0 was not found")
			.withStackTraceContaining(".ci/nats-server-binary 1.0");
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration(NatsConnectionAutoConfiguration.class)
	static class NatsOnly {

	}

	@SpringBootTest(classes = NatsOnly.class)
	@PrivateNatsServer(token = "s3cr3t")
	static class TokenTestClass {

	}

	@SpringBootTest(classes = NatsOnly.class)
	@PrivateNatsServer(token = "s3cr3t")
	static class SameTokenTestClass {

	}

	@SpringBootTest(classes = NatsOnly.class)
	@PrivateNatsServer
	static class NoTokenTestClass {

	}

	@SpringBootTest(classes = NatsOnly.class, properties = "jetway.enabled=false")
	@PrivateNatsServer
	static class JetwayOffTestClass {

	}

	@SpringBootTest(classes = NatsOnly.class)
	@PrivateNatsServer(version = "2.15")
	static class Version215TestClass {

	}

	@SpringBootTest(classes = NatsOnly.class)
	@PrivateNatsServer(version = "1.0")
	static class MissingVersionTestClass {

	}

}
