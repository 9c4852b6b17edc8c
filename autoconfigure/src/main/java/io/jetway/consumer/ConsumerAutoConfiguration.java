package io.jetway.consumer;

import java.time.Clock;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.observation.ListenerObservationConvention;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.topology.Namespace;
import io.jetway.topology.StreamDeclaration;
import io.jetway.topology.StreamSettings;
import io.jetway.topology.StreamTopology;
import io.jetway.topology.TopologyAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Durable pull consumers for {@link JetStreamListener} methods, with backoff and dead
 * letters.
 */
@AutoConfiguration(
		after = { NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class,
				OutboxAutoConfiguration.class },
		afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"io.jetway.inbox.InboxAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ Connection.class, JsonMapper.class })
@ConditionalOnBean({ Connection.class, Namespace.class })
@EnableConfigurationProperties({ JetwayConsumersProperties.class, JetwayListenerProperties.class })
public class ConsumerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static JetStreamListenerAnnotationBeanPostProcessor jetStreamListenerAnnotationBeanPostProcessor() {
		return new JetStreamListenerAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	ConsumerEnsurer consumerEnsurer(JetStreamManagement management, Connection connection,
			ObjectProvider<StreamTopology> topology) {
		return new ConsumerEnsurer(management, connection, topology.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetterPublisher deadLetterPublisher(JetStream jetStream) {
		return new DeadLetterPublisher(jetStream, Clock.systemUTC());
	}

	@Bean
	StreamDeclaration jetwayDeadLetterStream(JetwayListenerProperties properties) {
		return StreamDeclaration
			.of(JetStreamListenerRegistry.DEAD_LETTER_STREAM,
					JetStreamListenerRegistry.DEAD_LETTER_SUBJECT_PREFIX + ".>")
			.withSettings(StreamSettings.builder()
				.maxAge(properties.getDeadLetterRetention())
				.description("Jetway dead letters")
				.build())
			.withSource("Jetway dead-letter stream");
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetters deadLetters(JetStreamManagement management, JetStream jetStream, Namespace namespace) {
		return new DeadLetters(management, jetStream,
				namespace.streamName(JetStreamListenerRegistry.DEAD_LETTER_STREAM),
				namespace.subject(JetStreamListenerRegistry.DEAD_LETTER_SUBJECT_PREFIX));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class ConsumerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ConsumerMetrics consumerMetrics(JetwayConsumersProperties properties, Namespace namespace,
				JetStreamManagement management) {
			return new ConsumerMetrics(properties, namespace, management);
		}

	}

	@Bean
	@ConditionalOnMissingBean
	JetStreamListenerRegistry jetStreamListenerRegistry(JetStreamListenerAnnotationBeanPostProcessor listeners,
			JetwayConsumersProperties properties, JetwayListenerProperties listenerProperties, Namespace namespace,
			ObjectProvider<JsonMapper> jsonMapper, ConsumerEnsurer ensurer, JetStream jetStream,
			DeadLetterPublisher deadLetterPublisher, ObjectProvider<ConsumerObserver> observers,
			ObjectProvider<DeliveryProcessorFactory> inboxProcessors,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<ListenerObservationConvention> observationConvention) {
		JetStreamListenerRegistry registry = new JetStreamListenerRegistry(listeners, properties, namespace,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), ensurer, jetStream, deadLetterPublisher,
				observers.getIfAvailable(() -> ConsumerObserver.NONE), inboxProcessors.getIfAvailable(),
				listenerProperties.getShutdownTimeout());
		registry.setObservationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
		registry.setObservationConvention(observationConvention.getIfUnique());
		return registry;
	}

}
