package io.jetway.publish;

import java.time.Clock;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.observation.PublishObservationConvention;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.outbox.OutboxProperties;
import io.jetway.topology.Namespace;
import io.jetway.topology.TopologyAutoConfiguration;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The {@link JetwayPublisher}, through the outbox when it is on.
 */
@AutoConfiguration(
		after = { NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class,
				OutboxAutoConfiguration.class },
		afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ Connection.class, JsonMapper.class })
@ConditionalOnBean(Connection.class)
@EnableConfigurationProperties(JetwayPublishProperties.class)
public class PublishAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MessageEncoder jetwayMessageEncoder(ObjectProvider<JsonMapper> jsonMapper, Namespace namespace,
			Connection connection, JetwayPublishProperties properties, Environment environment) {
		String source = properties.getSource();
		if (!StringUtils.hasText(source)) {
			source = "/" + environment.getProperty("spring.application.name", "jetway");
		}
		return new MessageEncoder(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), namespace, source,
				() -> connection.getServerInfo().getMaxPayload(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	DirectPublisher jetwayDirectPublisher(JetStream jetStream, JetwayPublishProperties properties) {
		return new DirectPublisher(jetStream, properties.getAckTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	JetwayPublisher jetwayPublisher(MessageEncoder encoder, DirectPublisher directPublisher, Connection connection,
			ObjectProvider<OutboxWriter> outboxWriter, ObjectProvider<OutboxProperties> outboxProperties,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<PublishObservationConvention> observationConvention) {
		OutboxProperties outbox = outboxProperties.getIfAvailable();
		DefaultJetwayPublisher publisher = new DefaultJetwayPublisher(encoder, directPublisher, connection,
				outboxWriter.getIfAvailable(), outbox != null && outbox.isRequireTransaction());
		publisher.setObservationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
		publisher.setObservationConvention(observationConvention.getIfUnique());
		return publisher;
	}

	@Bean
	@ConditionalOnMissingBean
	JetStreamEventPublisher jetStreamEventPublisher(JetwayPublisher publisher) {
		return new JetStreamEventPublisher(publisher);
	}

}
