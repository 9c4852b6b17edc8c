package io.jetway.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.topology.TopologyAutoConfiguration;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Publishing without a DataSource or outside a transaction: straight to JetStream.
 */
class DirectPublishTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, NatsConnectionAutoConfiguration.class,
				TopologyAutoConfiguration.class, PublishAutoConfiguration.class))
		.withPropertyValues("jetway.nats.servers=" + nats.url(), "jetway.topology.streams.DIRECT.subjects=direct.>",
				"jetway.namespace.subject-prefix=test");

	@Test
	void publishesAndReturnsThePubAck() {
		this.contextRunner.run((context) -> {
			PublishReceipt receipt = context.getBean(JetwayPublisher.class)
				.publish(OutgoingMessage.builder("direct.created", Map.of("a", 1))
					.type("com.example.Created")
					.header("tenant", "acme")
					.build());
			assertThat(receipt.outboxed()).isFalse();
			assertThat(receipt.subject()).isEqualTo("test.direct.created");
			assertThat(receipt.stream()).isEqualTo("DIRECT");
			assertThat(receipt.sequence()).isPositive();
			var stored = context.getBean(io.nats.client.JetStreamManagement.class)
				.getMessage("DIRECT", receipt.sequence());
			assertThat(stored.getHeaders().getFirst("tenant")).isEqualTo("acme");
			assertThat(stored.getHeaders().getFirst(JetwayHeaders.CE_TYPE)).isEqualTo("com.example.Created");
			assertThat(new String(stored.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
		});
	}

	@Test
	void sameIdTwiceIsStoredOnce() {
		this.contextRunner.run((context) -> {
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			UUID id = UUID.randomUUID();
			PublishReceipt first = publisher.publish(OutgoingMessage.builder("direct.once", "x").id(id).build());
			PublishReceipt second = publisher.publish(OutgoingMessage.builder("direct.once", "x").id(id).build());
			assertThat(first.duplicate()).isFalse();
			assertThat(second.duplicate()).isTrue();
			assertThat(second.sequence()).isEqualTo(first.sequence());
		});
	}

	@Test
	void uncapturedSubjectFailsFastWithAClearError() {
		this.contextRunner.run((context) -> {
			long start = System.nanoTime();
			assertThatExceptionOfType(NoStreamForSubjectException.class)
				.isThrownBy(() -> context.getBean(JetwayPublisher.class).publish("nowhere.created", "lost"))
				.withMessageContaining("No JetStream stream captures subject 'test.nowhere.created'")
				.withMessageContaining("jetway.topology.streams");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		});
	}

	@Test
	void delayedMessagesNeedTheOutbox() {
		this.contextRunner.run(
				(context) -> assertThatExceptionOfType(JetwayPublishException.class)
					.isThrownBy(() -> context.getBean(JetwayPublisher.class)
						.publish(OutgoingMessage.builder("direct.later", "x")
							.notBefore(java.time.Instant.now().plusSeconds(5))
							.build()))
					.withMessageContaining("inside a transaction with the outbox on"));
	}

	@Test
	void oversizedPayloadIsRejectedBeforeSending() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(MessageTooLargeException.class)
			.isThrownBy(() -> context.getBean(JetwayPublisher.class).publish("direct.big", new byte[2 * 1024 * 1024])));
	}

	@Test
	void ephemeralPublishGoesToCoreNats() {
		this.contextRunner.run((context) -> {
			Connection connection = context.getBean(Connection.class);
			Subscription subscription = connection.subscribe("test.live.>");
			connection.flush(Duration.ofSeconds(1));
			context.getBean(JetwayPublisher.class).publishEphemeral("live.progress", "50%");
			Message message = subscription.nextMessage(Duration.ofSeconds(2));
			assertThat(message).isNotNull();
			assertThat(new String(message.getData(), StandardCharsets.UTF_8)).isEqualTo("50%");
			assertThat(message.getHeaders().getFirst(JetwayHeaders.CE_ID)).isNotBlank();
		});
	}

	@Test
	void unserializablePayloadFailsWithTheType() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(JetwayPublishException.class)
			.isThrownBy(() -> context.getBean(JetwayPublisher.class).publish("direct.bad", new Unserializable()))
			.withMessageContaining(Unserializable.class.getName())
			.withMessageContaining("cannot be serialized to JSON"));
	}

	public static class Unserializable {

		public String getValue() {
			throw new IllegalStateException("not today");
		}

	}

}
