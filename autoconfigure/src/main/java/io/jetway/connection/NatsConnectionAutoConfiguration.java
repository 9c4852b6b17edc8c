package io.jetway.connection;

import java.io.IOException;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Connects to NATS: {@link Connection}, {@link JetStream} and {@link JetStreamManagement}
 * beans from {@code jetway.nats.*}. A {@link Connection} bean of the application's own
 * replaces Jetway's, and Jetway uses it.
 */
@AutoConfiguration
@ConditionalOnClass(Connection.class)
@ConditionalOnBooleanProperty(name = "jetway.enabled", matchIfMissing = true)
@EnableConfigurationProperties(JetwayNatsProperties.class)
public class NatsConnectionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(NatsConnectionDetails.class)
	PropertiesNatsConnectionDetails natsConnectionDetails(JetwayNatsProperties properties,
			ObjectProvider<SslBundles> sslBundles) {
		return new PropertiesNatsConnectionDetails(properties, sslBundles.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	JetStream jetStream(Connection connection) throws IOException {
		return connection.jetStream();
	}

	@Bean
	@ConditionalOnMissingBean
	JetStreamManagement jetStreamManagement(Connection connection) throws IOException {
		return connection.jetStreamManagement();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(Connection.class)
	static class JetwayConnectionConfiguration {

		@Bean
		@ConditionalOnMissingBean
		NatsOptionsConfigurer natsOptionsConfigurer(JetwayNatsProperties properties,
				NatsConnectionDetails connectionDetails, Environment environment) {
			return new NatsOptionsConfigurer(properties, connectionDetails,
					environment.getProperty("spring.application.name"));
		}

		@Bean
		@ConditionalOnMissingBean
		NatsConnectionFactory natsConnectionFactory(NatsOptionsConfigurer configurer,
				ObjectProvider<NatsOptionsCustomizer> customizers) {
			return new NatsConnectionFactory(configurer, customizers.orderedStream().toList());
		}

		@Bean
		ManagedNatsConnection managedNatsConnection(NatsConnectionFactory connectionFactory,
				JetwayNatsProperties properties) {
			return connectionFactory.connect(properties.getDrainTimeout());
		}

		@Bean(destroyMethod = "")
		Connection natsConnection(ManagedNatsConnection managedConnection) {
			return managedConnection.getConnection();
		}

	}

}
