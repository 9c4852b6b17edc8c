package io.jetway.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.sql.DataSource;

import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
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

	@Test
	void aTransactionManagerBeanCreatedBeforeThePostProcessorHasTheListenerOnce() {
		this.runner.withUserConfiguration(EarlyTransactionManager.class)
			.run((context) -> assertThat(commitListeners(context)).hasSize(1));
	}

	@Test
	void aTransactionManagerThatIsNotImperativeIsLeftAlone() {
		this.runner.withBean(NotImperativeTransactionManager.class)
			.run((context) -> assertThat(
					context.getBean(NotImperativeTransactionManager.class).getTransactionExecutionListeners())
				.isEmpty());
	}

	@Test
	void aSynchronizationOfHighestPrecedenceSeesTheCommit() {
		TransactionTemplate transactions = new TransactionTemplate(
				TransactionCommitListener.addTo(new ResourcelessTransactionManager()));
		List<Boolean> seen = new ArrayList<>();
		transactions.executeWithoutResult(
				(status) -> TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public void afterCommit() {
						seen.add(TransactionCommitListener.isAfterCommit());
					}

					@Override
					public int getOrder() {
						return Ordered.HIGHEST_PRECEDENCE;
					}

				}));
		assertThat(seen).containsExactly(true);
	}

	@Test
	void aNestedTransactionWithoutSavepointLeavesNoMarkInTheOuterTransaction() {
		ResourcelessTransactionManager manager = TransactionCommitListener.addTo(new ResourcelessTransactionManager());
		TransactionTemplate transactions = new TransactionTemplate(manager);
		TransactionTemplate nested = new TransactionTemplate(manager);
		nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		List<String> seen = new ArrayList<>();
		transactions.executeWithoutResult((status) -> {
			nested.executeWithoutResult((inner) -> assertThat(inner.isNewTransaction()).isTrue());
			seen.add("synchronizations " + TransactionSynchronizationManager.getSynchronizations().size());
			afterCommit(() -> seen.add("in its afterCommit " + TransactionCommitListener.isAfterCommit()));
		});
		assertThat(seen).containsExactly("synchronizations 0", "in its afterCommit true");
		assertThat(TransactionSynchronizationManager.getResourceMap()).isEmpty();
	}

	@Test
	void aTransactionManagerWithTheListenerCanBeSerialized() throws Exception {
		ResourcelessTransactionManager manager = TransactionCommitListener.addTo(new ResourcelessTransactionManager());
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject(manager);
		}
		try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
			ResourcelessTransactionManager copy = (ResourcelessTransactionManager) in.readObject();
			assertThat(copy.getTransactionExecutionListeners()).singleElement()
				.isInstanceOf(TransactionCommitListener.class);
		}
	}

	private static void afterCommit(Runnable action) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				action.run();
			}

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

	/**
	 * A transaction manager that a bean post-processor needs, so created before the
	 * post-processors are registered.
	 */
	@Configuration(proxyBeanMethods = false)
	static class EarlyTransactionManager {

		@Bean
		static PlatformTransactionManager earlyTransactionManager() {
			return new ResourcelessTransactionManager();
		}

		@Bean
		static BeanPostProcessor postProcessorWithTransactions(PlatformTransactionManager transactionManager) {
			return new BeanPostProcessor() {
			};
		}

	}

	/**
	 * A transaction manager that runs no {@code TransactionSynchronization}, such as a
	 * reactive one.
	 */
	static class NotImperativeTransactionManager implements ConfigurableTransactionManager {

		private final List<TransactionExecutionListener> listeners = new ArrayList<>();

		@Override
		public void setTransactionExecutionListeners(Collection<TransactionExecutionListener> listeners) {
			this.listeners.clear();
			this.listeners.addAll(listeners);
		}

		@Override
		public Collection<TransactionExecutionListener> getTransactionExecutionListeners() {
			return this.listeners;
		}

	}

	/**
	 * Transactions without resources; a nested one is a transaction of its own without a
	 * savepoint, as JTA's nested transactions are.
	 */
	static class ResourcelessTransactionManager extends AbstractPlatformTransactionManager {

		ResourcelessTransactionManager() {
			setNestedTransactionAllowed(true);
		}

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected boolean isExistingTransaction(Object transaction) {
			return TransactionSynchronizationManager.isActualTransactionActive();
		}

		@Override
		protected boolean useSavepointForNestedTransaction() {
			return false;
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTransactionManager {

		@Bean
		PlatformTransactionManager ownTransactionManager(DataSource dataSource) {
			return new JdbcTransactionManager(dataSource);
		}

	}

}
