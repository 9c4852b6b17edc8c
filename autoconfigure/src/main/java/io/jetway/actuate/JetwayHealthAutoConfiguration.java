package io.jetway.actuate;

import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.consumer.ConsumerAutoConfiguration;
import io.jetway.consumer.DeadLetters;
import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.jdbc.DatabaseType;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.jobs.JobDispatch;
import io.jetway.jobs.JobsAutoConfiguration;
import io.jetway.jobs.JobsProperties;
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
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code jetway} health indicator ({@code /actuator/health/jetway}), when Spring
 * Boot's health support is on the class path; off with
 * {@code management.health.jetway.enabled=false}. Its checks follow what the application
 * uses: topology, listener consumers, dead letters, the outbox and jobs, each only when
 * its beans exist.
 */
@AutoConfiguration(after = { NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class,
		JetwayJdbcAutoConfiguration.class, OutboxAutoConfiguration.class, ConsumerAutoConfiguration.class,
		JobsAutoConfiguration.class })
@ConditionalOnClass({ Connection.class, HealthIndicator.class })
@ConditionalOnBean({ Connection.class, Namespace.class })
@ConditionalOnEnabledHealthIndicator("jetway")
@EnableConfigurationProperties(JetwayHealthProperties.class)
@Import(JetwayReadsConfiguration.class)
public class JetwayHealthAutoConfiguration {

	@Bean(name = "jetwayHealthIndicator")
	@ConditionalOnMissingBean(name = "jetwayHealthIndicator")
	JetwayHealthIndicator jetwayHealthIndicator(JetwayHealthProperties properties,
			ObjectProvider<JetwayHealthCheck> checks) {
		List<JetwayHealthCheck> all = checks.orderedStream().toList();
		// room for one evaluation whose calls all hang plus the next
		int threads = Math.max(BoundedCalls.THREADS, 2 * all.size());
		return new JetwayHealthIndicator(all, new BoundedCalls(properties.getTimeout(), threads));
	}

	@Bean
	@ConditionalOnBean(StreamTopology.class)
	@ConditionalOnMissingBean
	TopologyHealthCheck jetwayTopologyHealthCheck(JetStreamReads reads, StreamTopology topology) {
		return new TopologyHealthCheck(reads, topology);
	}

	@Bean
	@ConditionalOnBean(JetStreamListenerRegistry.class)
	@ConditionalOnMissingBean
	ConsumersHealthCheck jetwayConsumersHealthCheck(JetStreamReads reads, JetStreamListenerRegistry registry,
			JetwayHealthProperties properties) {
		return new ConsumersHealthCheck(reads, registry, properties.getConsumers());
	}

	@Bean
	@ConditionalOnBean(DeadLetters.class)
	@ConditionalOnMissingBean
	DeadLettersHealthCheck jetwayDeadLettersHealthCheck(JetStreamReads reads, JetwayHealthProperties properties) {
		return new DeadLettersHealthCheck(reads, properties.getDeadLetters().getMax());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcTemplate.class)
	@ConditionalOnBean({ DataSource.class, DatabaseType.class })
	static class DatabaseHealthChecksConfiguration {

		@Bean
		@ConditionalOnBean(OutboxOperations.class)
		@ConditionalOnMissingBean
		OutboxHealthCheck jetwayOutboxHealthCheck(TableReads tables, JetwayHealthProperties properties) {
			return new OutboxHealthCheck(tables, properties.getOutbox(), Clock.systemUTC());
		}

		@Bean
		@ConditionalOnBean({ JobsProperties.class, JobDispatch.class })
		@ConditionalOnMissingBean
		JobsHealthCheck jetwayJobsHealthCheck(TableReads tables, JobsProperties jobs, JobDispatch dispatch,
				JetwayHealthProperties properties) {
			return new JobsHealthCheck(tables, jobs, dispatch, properties.getJobs(), Clock.systemUTC());
		}

	}

}
