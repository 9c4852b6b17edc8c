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
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The operations the {@code jetway} endpoint and the dashboard share:
 * {@link JetwayOverview} (reads) and {@link JetwayActions} (writes), each covering the
 * parts of Jetway the application uses. Needs no Actuator.
 */
@AutoConfiguration(after = { NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class,
		JetwayJdbcAutoConfiguration.class, OutboxAutoConfiguration.class, ConsumerAutoConfiguration.class,
		JobsAutoConfiguration.class })
@ConditionalOnClass(Connection.class)
@ConditionalOnBean({ Connection.class, Namespace.class })
@EnableConfigurationProperties(JetwayHealthProperties.class)
@Import(JetwayReadsConfiguration.class)
public class JetwayOperationsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JetwayOverview jetwayOverview(JetStreamReads reads, JetwayHealthProperties properties,
			ObjectProvider<StreamTopology> topology, ObjectProvider<JetStreamListenerRegistry> listeners,
			ObjectProvider<DeadLetters> deadLetters, ObjectProvider<TableReads> tables,
			ObjectProvider<OutboxOperations> outbox, ObjectProvider<JobClient> jobs) {
		TableReads jetwayTables = tables.getIfAvailable();
		return new JetwayOverview(reads, topology.getIfAvailable(), listeners.getIfAvailable(),
				deadLetters.getIfAvailable() != null, (outbox.getIfAvailable() != null) ? jetwayTables : null,
				(jobs.getIfAvailable() != null) ? jetwayTables : null, new BoundedCalls(properties.getTimeout()),
				Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	JetwayActions jetwayActions(ObjectProvider<JetStreamListenerRegistry> listeners, ObjectProvider<JobClient> jobs,
			ObjectProvider<DeadLetters> deadLetters, ObjectProvider<OutboxOperations> outbox) {
		return new JetwayActions(listeners.getIfAvailable(), jobs.getIfAvailable(), deadLetters.getIfAvailable(),
				outbox.getIfAvailable());
	}

}
