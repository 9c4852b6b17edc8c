package io.jetway.connection;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class NatsConnectionAutoConfigurationTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsConnectionAutoConfiguration.class));

	@Test
	void connectsAndProvidesJetStreamBeans() {
		this.contextRunner.withPropertyValues("jetway.nats.servers=" + nats.url(), "spring.application.name=orders")
			.run((context) -> {
				assertThat(context).hasSingleBean(Connection.class)
					.hasSingleBean(JetStream.class)
					.hasSingleBean(JetStreamManagement.class);
				Connection connection = context.getBean(Connection.class);
				assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
				assertThat(connection.getOptions().getConnectionName()).isEqualTo("orders");
				assertThat(context.getBean(JetStreamManagement.class).getAccountStatistics()).isNotNull();
			});
	}

	@Test
	void appliesConnectionProperties() {
		this.contextRunner
			.withPropertyValues("jetway.nats.servers=" + nats.url(), "jetway.nats.connection-name=billing",
					"jetway.nats.connect-timeout=3s", "jetway.nats.reconnect-wait=250ms",
					"jetway.nats.max-reconnects=7", "jetway.nats.ping-interval=30s")
			.run((context) -> {
				var options = context.getBean(Connection.class).getOptions();
				assertThat(options.getConnectionName()).isEqualTo("billing");
				assertThat(options.getConnectionTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(options.getReconnectWait()).isEqualTo(Duration.ofMillis(250));
				assertThat(options.getMaxReconnect()).isEqualTo(7);
				assertThat(options.getPingInterval()).isEqualTo(Duration.ofSeconds(30));
			});
	}

	@Test
	void commaSeparatedServersBindAsAList() {
		this.contextRunner
			.withPropertyValues("jetway.nats.servers=" + nats.url() + ", nats://127.0.0.1:1",
					"jetway.nats.connect-timeout=1s")
			.run((context) -> assertThat(context.getBean(NatsConnectionDetails.class).getServers())
				.containsExactly(nats.url(), "nats://127.0.0.1:1"));
	}

	@Test
	void customizersAdjustTheOptions() {
		this.contextRunner.withPropertyValues("jetway.nats.servers=" + nats.url())
			.withBean(NatsOptionsCustomizer.class, () -> (builder) -> builder.inboxPrefix("_MYINBOX"))
			.run((context) -> assertThat(context.getBean(Connection.class).getOptions().getInboxPrefix())
				.isEqualTo("_MYINBOX."));
	}

	@Test
	void usesConnectionDetailsBeanOverProperties() {
		this.contextRunner.withPropertyValues("jetway.nats.servers=nats://127.0.0.1:1")
			.withBean(NatsConnectionDetails.class, () -> () -> java.util.List.of(nats.url()))
			.run((context) -> assertThat(context.getBean(Connection.class).getConnectedUrl()).isEqualTo(nats.url()));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnConnection() {
		this.contextRunner.withPropertyValues("jetway.nats.servers=nats://127.0.0.1:1")
			.withUserConfiguration(UserConnectionConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(Connection.class)
					.doesNotHaveBean(ManagedNatsConnection.class)
					.doesNotHaveBean(NatsConnectionFactory.class);
				assertThat(context.getBean(Connection.class)).isSameAs(context.getBean("userConnection"));
				assertThat(context).hasSingleBean(JetStream.class).hasSingleBean(JetStreamManagement.class);
			});
	}

	@Test
	void backsOffWithoutJnatsOnTheClasspath() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Connection.class))
			.withPropertyValues("jetway.nats.servers=" + nats.url())
			.run((context) -> assertThat(context).doesNotHaveBean(Connection.class)
				.doesNotHaveBean(JetwayNatsProperties.class));
	}

	@Test
	void backsOffWhenJetwayIsDisabled() {
		this.contextRunner.withPropertyValues("jetway.nats.servers=" + nats.url(), "jetway.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Connection.class)
				.doesNotHaveBean(JetStreamManagement.class));
	}

	@Test
	void closingTheContextDrainsAndClosesTheConnectionAndLeavesNoThreads() {
		Connection[] holder = new Connection[1];
		this.contextRunner.withPropertyValues("jetway.nats.servers=" + nats.url()).run((context) -> {
			holder[0] = context.getBean(Connection.class);
			assertThat(natsThreads()).isNotEmpty();
		});
		assertThat(holder[0].getStatus()).isEqualTo(Connection.Status.CLOSED);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(natsThreads()).isEmpty());
	}

	static Set<String> natsThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("nats") || name.startsWith("jetway"))
			.collect(Collectors.toSet());
	}

	@Configuration(proxyBeanMethods = false)
	static class UserConnectionConfiguration {

		@Bean(destroyMethod = "close")
		Connection userConnection() throws Exception {
			return Nats.connect(nats.url());
		}

	}

}
