package io.jetway.jdbc;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Jetway's tables: which database they live in and their creation at startup.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({ JdbcTemplate.class,
		org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "jetway.enabled", matchIfMissing = true)
@EnableConfigurationProperties(JetwayJdbcProperties.class)
public class JetwayJdbcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DatabaseType jetwayDatabaseType(DataSource dataSource) {
		return DatabaseType.of(dataSource);
	}

	@Bean
	@ConditionalOnMissingBean
	JetwaySchemaInitializer jetwaySchemaInitializer(DataSource dataSource, DatabaseType databaseType,
			JetwayJdbcProperties properties) {
		return new JetwaySchemaInitializer(dataSource, databaseType, properties.getInitializeSchema());
	}

}
