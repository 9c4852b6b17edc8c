package io.jetway.test.context;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.jetway.connection.NatsConnectionDetails;
import io.jetway.consumer.JetStreamListener;
import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.PublishReceipt;
import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application's own {@code @SpringBootTest} with {@link PrivateNatsServer}: Jetway
 * connects to the private server, not to {@code jetway.nats.servers}, and publishes and
 * consumes through it.
 */
@SpringBootTest(classes = PrivateNatsServerTests.GreetingApp.class,
		properties = { "jetway.nats.servers=nats://127.0.0.1:4222",
				"jetway.topology.streams.GREETINGS.subjects=greetings.>", "jetway.consumers.greeter.stream=GREETINGS",
				"jetway.consumers.greeter.filter-subject=greetings.hello" })
@PrivateNatsServer
class PrivateNatsServerTests {

	@Autowired
	private NatsServerProcess server;

	@Autowired
	private Connection connection;

	@Autowired
	private NatsConnectionDetails connectionDetails;

	@Autowired
	private JetwayPublisher publisher;

	@Autowired
	private Greeter greeter;

	@Test
	void jetwayConnectsToThePrivateServerInsteadOfTheConfiguredOne() {
		assertThat(this.server.isRunning()).isTrue();
		assertThat(this.server.port()).isNotEqualTo(4222);
		assertThat(this.connectionDetails.getServers()).containsExactly(this.server.url());
		assertThat(this.connection.getConnectedUrl()).endsWith(":" + this.server.port());
		assertThat(this.connection.getServerInfo().isJetStreamAvailable()).isTrue();
	}

	@Test
	void publishesAndConsumesThroughThePrivateServer() throws Exception {
		PublishReceipt receipt = this.publisher.publish("greetings.hello", new Greeting("hello from the test"));
		assertThat(receipt.stream()).isEqualTo("GREETINGS");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.greeter.received.contains("hello from the test"));
		try (Connection direct = Nats.connect(this.server.url())) {
			assertThat(direct.jetStreamManagement().getStreamInfo("GREETINGS").getStreamState().getMsgCount())
				.isGreaterThanOrEqualTo(1);
		}
	}

	record Greeting(String text) {
	}

	static class Greeter {

		final List<String> received = new CopyOnWriteArrayList<>();

		@JetStreamListener("greeter")
		void on(Greeting greeting) {
			this.received.add(greeting.text());
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class GreetingApp {

		@Bean
		Greeter greeter() {
			return new Greeter();
		}

	}

}
