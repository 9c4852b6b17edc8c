package io.jetway.actuate;

import javax.sql.DataSource;

import io.jetway.jdbc.DatabaseType;
import io.jetway.topology.Namespace;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The readers the health indicator and the endpoint share: JetStream always, Jetway's
 * tables when a DataSource and its {@link DatabaseType} exist.
 */
@Configuration(proxyBeanMethods = false)
class JetwayReadsConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JetStreamReads jetwayJetStreamReads(Connection connection, JetStreamManagement management, Namespace namespace) {
		return new JetStreamReads(connection, management, namespace);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcTemplate.class)
	@ConditionalOnBean({ DataSource.class, DatabaseType.class })
	static class TablesConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TableReads jetwayTables(DataSource dataSource, DatabaseType databaseType, JetwayHealthProperties properties) {
			return new TableReads(dataSource, databaseType, properties.getTimeout());
		}

	}

}
