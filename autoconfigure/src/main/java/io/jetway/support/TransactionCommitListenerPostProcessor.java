package io.jetway.support;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.transaction.ConfigurableTransactionManager;

/**
 * Adds the {@link TransactionCommitListener} to every transaction manager bean that lacks
 * it: Spring Boot adds listener beans only to the transaction manager it configures
 * itself, not to an application's own.
 */
public class TransactionCommitListenerPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<TransactionCommitListener> listener;

	public TransactionCommitListenerPostProcessor(ObjectProvider<TransactionCommitListener> listener) {
		this.listener = listener;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ConfigurableTransactionManager manager) {
			TransactionCommitListener.addTo(manager, this.listener.getIfAvailable(TransactionCommitListener::new));
		}
		return bean;
	}

}
