package io.jetway.actuate;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.consumer.ConsumerAutoConfiguration;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.jobs.JobsAutoConfiguration;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.topology.TopologyAutoConfiguration;
import io.nats.client.Connection;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code jetway} Actuator endpoint, when Actuator is on the class path and the
 * endpoint is available (accessible and exposed:
 * {@code management.endpoints.web.exposure.include}). Its reads and writes cover what the
 * application uses; the rest answer 404 (reads) or 400 (writes).
 */
@AutoConfiguration(after = { NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class,
		JetwayJdbcAutoConfiguration.class, OutboxAutoConfiguration.class, ConsumerAutoConfiguration.class,
		JobsAutoConfiguration.class, JetwayOperationsAutoConfiguration.class })
@ConditionalOnClass({ Connection.class, Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean({ JetwayOverview.class, JetwayActions.class })
@ConditionalOnAvailableEndpoint(JetwayEndpoint.class)
public class JetwayEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JetwayEndpoint jetwayEndpoint(JetwayOverview overview, JetwayActions actions) {
		return new JetwayEndpoint(overview, actions);
	}

}
