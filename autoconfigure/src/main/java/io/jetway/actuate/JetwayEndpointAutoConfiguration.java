package io.jetway.actuate;

import java.time.Clock;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.consumer.ConsumerAutoConfiguration;
import io.jetway.consumer.DeadLetters;
import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobsAutoConfiguration;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.outbox.OutboxOperations;
import io.jetway.topology.Namespace;
import io.jetway.topology.StreamTopology;
import io.jetway.topology.TopologyAutoConfiguration;
import io.nats.client.Connection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The {@code jetway} Actuator endpoint, when Actuator is on the class path and the
 * endpoint is available (accessible and exposed:
 * {@code management.endpoints.web.exposure.include}). Its reads and writes cover what the
 * application uses; the rest answer 404 (reads) or 400 (writes).
 */
@AutoConfiguration(after = { NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class,
		JetwayJdbcAutoConfiguration.class, OutboxAutoConfiguration.class, ConsumerAutoConfiguration.class,
		JobsAutoConfiguration.class })
@ConditionalOnClass({ Connection.class, Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean({ Connection.class, Namespace.class })
@ConditionalOnAvailableEndpoint(JetwayEndpoint.class)
@EnableConfigurationProperties(JetwayHealthProperties.class)
@Import(JetwayReadsConfiguration.class)
public class JetwayEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JetwayEndpoint jetwayEndpoint(JetStreamReads reads, JetwayHealthProperties properties,
			ObjectProvider<StreamTopology> topology, ObjectProvider<JetStreamListenerRegistry> listeners,
			ObjectProvider<DeadLetters> deadLetters, ObjectProvider<TableReads> tables,
			ObjectProvider<OutboxOperations> outbox, ObjectProvider<JobClient> jobs) {
		TableReads jetwayTables = tables.getIfAvailable();
		BoundedCalls calls = new BoundedCalls(properties.getTimeout());
		JetwayOverview overview = new JetwayOverview(reads, topology.getIfAvailable(), listeners.getIfAvailable(),
				deadLetters.getIfAvailable() != null, (outbox.getIfAvailable() != null) ? jetwayTables : null,
				(jobs.getIfAvailable() != null) ? jetwayTables : null, calls, Clock.systemUTC());
		JetwayActions actions = new JetwayActions(listeners.getIfAvailable(), jobs.getIfAvailable(),
				deadLetters.getIfAvailable(), outbox.getIfAvailable());
		return new JetwayEndpoint(overview, actions, calls);
	}

}
