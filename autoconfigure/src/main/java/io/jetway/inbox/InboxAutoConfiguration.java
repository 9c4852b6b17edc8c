package io.jetway.inbox;

import java.time.Clock;

import javax.sql.DataSource;

import io.jetway.consumer.DeliveryProcessorFactory;
import io.jetway.consumer.JetwayConsumersProperties.TransactionMode;
import io.jetway.jdbc.DatabaseType;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.jdbc.JetwayTables;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The inbox for consumers with {@code inbox: true}: needs a DataSource and the
 * application's transaction manager, so that handlers' own writes join the inbox
 * transaction.
 */
@AutoConfiguration(after = JetwayJdbcAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
				"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
				"org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration" })
@ConditionalOnClass({ JdbcTemplate.class, PlatformTransactionManager.class })
@ConditionalOnBean({ DatabaseType.class, PlatformTransactionManager.class })
@EnableConfigurationProperties(InboxProperties.class)
public class InboxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "jetwayInboxTables")
	JetwayTables jetwayInboxTables() {
		return new JetwayTables("inbox", "jetway_inbox");
	}

	@Bean
	@ConditionalOnMissingBean
	InboxRepository inboxRepository(DataSource dataSource, DatabaseType databaseType) {
		return new InboxRepository(new JdbcTemplate(dataSource), databaseType);
	}

	@Bean
	@ConditionalOnMissingBean
	DeliveryProcessorFactory inboxDeliveryProcessorFactory(InboxRepository repository,
			PlatformTransactionManager transactionManager) {
		return (invoker, properties) -> {
			TransactionTemplate transactions = new TransactionTemplate(transactionManager);
			return (properties.getTransaction() == TransactionMode.PER_BATCH)
					? new BatchInboxDeliveryProcessor(invoker, repository, transactions, Clock.systemUTC())
					: new InboxDeliveryProcessor(invoker, repository, transactions, Clock.systemUTC());
		};
	}

	@Bean
	@ConditionalOnMissingBean
	InboxRetention inboxRetention(InboxRepository repository, InboxProperties properties) {
		return new InboxRetention(repository, properties, Clock.systemUTC());
	}

}
