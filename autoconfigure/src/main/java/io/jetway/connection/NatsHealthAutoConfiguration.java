package io.jetway.connection;

import io.nats.client.Connection;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code nats} health indicator, when Spring Boot's health support is on the class
 * path (with Actuator: {@code /actuator/health/nats}); off with
 * {@code management.health.nats.enabled=false}.
 */
@AutoConfiguration(after = NatsConnectionAutoConfiguration.class)
@ConditionalOnClass({ Connection.class, HealthIndicator.class })
@ConditionalOnBean(Connection.class)
@ConditionalOnEnabledHealthIndicator("nats")
public class NatsHealthAutoConfiguration {

	@Bean(name = "natsHealthIndicator")
	@ConditionalOnMissingBean(name = "natsHealthIndicator")
	NatsHealthIndicator natsHealthIndicator(Connection connection) {
		return new NatsHealthIndicator(connection);
	}

}
