package io.jetway.jdbc;

import javax.sql.DataSource;

import io.jetway.support.TransactionCommitListener;
import io.jetway.support.TransactionCommitListenerPostProcessor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Jetway's tables: which database they live in, their creation at startup, and the check
 * that the tables the enabled capabilities declare ({@link JetwayTables}) exist.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({ JdbcTemplate.class,
		org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "jetway.enabled", matchIfMissing = true)
@EnableConfigurationProperties(JetwayJdbcProperties.class)
public class JetwayJdbcAutoConfiguration {

	/**
	 * Added by Spring Boot to the transaction manager it configures.
	 */
	@Bean
	@ConditionalOnMissingBean
	static TransactionCommitListener jetwayTransactionCommitListener() {
		return new TransactionCommitListener();
	}

	/**
	 * Adds the listener to the application's own transaction managers.
	 */
	@Bean
	@ConditionalOnMissingBean
	static TransactionCommitListenerPostProcessor jetwayTransactionCommitListenerPostProcessor(
			ObjectProvider<TransactionCommitListener> listener) {
		return new TransactionCommitListenerPostProcessor(listener);
	}

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

	@Bean
	@ConditionalOnMissingBean
	JetwaySchemaVerifier jetwaySchemaVerifier(DataSource dataSource, DatabaseType databaseType,
			ObjectProvider<JetwayTables> requiredTables) {
		return new JetwaySchemaVerifier(dataSource, databaseType, requiredTables);
	}

}
