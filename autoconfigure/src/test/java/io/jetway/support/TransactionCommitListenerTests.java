package io.jetway.support;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link TransactionCommitListener} reaches the transaction manager Spring Boot
 * configures and an application's own, and tells an {@code afterCommit} from the
 * transaction itself, a savepoint's release and a transaction begun in the
 * {@code afterCommit}.
 */
class TransactionCommitListenerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				TransactionManagerCustomizationAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JetwayJdbcAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:commit-listener;DB_CLOSE_DELAY=-1",
				"jetway.jdbc.initialize-schema=never");

	@Test
	void theTransactionManagerSpringBootConfiguresHasTheListenerOnce() {
		this.runner.run((context) -> assertThat(commitListeners(context)).hasSize(1)
			.containsExactly(context.getBean(TransactionCommitListener.class)));
	}

	@Test
	void anApplicationsOwnTransactionManagerHasTheListenerOnce() {
		this.runner.withUserConfiguration(OwnTransactionManager.class).run((context) -> {
			assertThat(context.getBean(PlatformTransactionManager.class))
				.isSameAs(context.getBean("ownTransactionManager"));
			assertThat(commitListeners(context)).hasSize(1);
		});
	}

	@Test
	void onlyTheAfterCommitOfACommittedTransactionIsAfterItsCommit() {
		this.runner.run((context) -> {
			PlatformTransactionManager manager = context.getBean(PlatformTransactionManager.class);
			TransactionTemplate transactions = new TransactionTemplate(manager);
			TransactionTemplate nested = new TransactionTemplate(manager);
			nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
			TransactionTemplate inner = new TransactionTemplate(manager);
			inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			List<String> seen = new ArrayList<>();
			transactions.executeWithoutResult((status) -> {
				seen.add("in the transaction " + TransactionCommitListener.isAfterCommit());
				nested.executeWithoutResult((savepoint) -> {
				});
				seen.add("after a savepoint's release " + TransactionCommitListener.isAfterCommit());
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void afterCommit() {
						seen.add("in its afterCommit " + TransactionCommitListener.isAfterCommit());
						inner.executeWithoutResult((innerStatus) -> seen
							.add("in a transaction begun there " + TransactionCommitListener.isAfterCommit()));
						seen.add("in its afterCommit again " + TransactionCommitListener.isAfterCommit());
					}

					@Override
					public void afterCompletion(int completion) {
						seen.add("in its afterCompletion " + TransactionCommitListener.isAfterCommit());
					}

				});
			});
			seen.add("after it " + TransactionCommitListener.isAfterCommit());
			assertThat(seen).containsExactly("in the transaction false", "after a savepoint's release false",
					"in its afterCommit true", "in a transaction begun there false", "in its afterCommit again true",
					"in its afterCompletion false", "after it false");
			assertThat(TransactionSynchronizationManager.getResourceMap()).isEmpty();
		});
	}

	private static List<TransactionCommitListener> commitListeners(AssertableApplicationContext context) {
		ConfigurableTransactionManager manager = context.getBean(ConfigurableTransactionManager.class);
		return manager.getTransactionExecutionListeners()
			.stream()
			.filter(TransactionCommitListener.class::isInstance)
			.map(TransactionCommitListener.class::cast)
			.toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTransactionManager {

		@Bean
		PlatformTransactionManager ownTransactionManager(DataSource dataSource) {
			return new JdbcTransactionManager(dataSource);
		}

	}

}
