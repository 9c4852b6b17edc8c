package io.jetway.outbox;

import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.jdbc.DatabaseType;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.jdbc.JetwayTables;
import io.jetway.observation.OutboxRelayObservationConvention;
import io.jetway.support.SeparateTransactions;
import io.jetway.support.TransactionCommitListener;
import io.jetway.topology.TopologyAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transactional outbox: on when a DataSource and a NATS connection exist.
 */
@AutoConfiguration(
		after = { NatsConnectionAutoConfiguration.class, JetwayJdbcAutoConfiguration.class,
				TopologyAutoConfiguration.class },
		afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ Connection.class, JdbcTemplate.class, JsonMapper.class })
@ConditionalOnBean({ Connection.class, DatabaseType.class })
@ConditionalOnBooleanProperty(name = "jetway.outbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "jetwayOutboxTables")
	JetwayTables jetwayOutboxTables() {
		return new JetwayTables("outbox", "jetway_outbox");
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxRepository outboxRepository(DataSource dataSource, DatabaseType databaseType,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new OutboxRepository(new JdbcTemplate(dataSource), databaseType,
				new HeadersCodec(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build())));
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxRelay outboxRelay(OutboxRepository repository, DataSource dataSource, Connection connection,
			JetStream jetStream, OutboxProperties properties, ObjectProvider<OutboxObserver> observers,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<OutboxRelayObservationConvention> observationConvention) {
		OutboxRelay relay = new OutboxRelay(repository,
				new TransactionTemplate(TransactionCommitListener.addTo(new DataSourceTransactionManager(dataSource))),
				connection, jetStream, properties, OutboxObserver.of(observers.orderedStream().toList()),
				Clock.systemUTC());
		relay.setObservationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
		relay.setObservationConvention(observationConvention.getIfUnique());
		return relay;
	}

	@Bean
	@ConditionalOnMissingBean
	TransactionalOutboxWriter transactionalOutboxWriter(OutboxRepository repository, OutboxRelay relay,
			DataSource dataSource, OutboxProperties properties) {
		return new TransactionalOutboxWriter(repository, relay, new SeparateTransactions(dataSource), Clock.systemUTC(),
				properties.getRelay().getRecoveryDelay());
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxOperations outboxOperations(OutboxRepository repository, OutboxRelay relay) {
		return new OutboxOperations(repository, relay, Clock.systemUTC());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class OutboxMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		OutboxMetrics outboxMetrics(OutboxRepository repository) {
			return new OutboxMetrics(repository, Clock.systemUTC(), Duration.ofSeconds(5));
		}

	}

}
