package io.jetway.support;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Adds the {@link TransactionCommitListener} to every imperative transaction manager bean
 * ({@link ConfigurableTransactionManager} and {@link PlatformTransactionManager}) that
 * lacks it: Spring Boot adds listener beans only to the transaction manager it configures
 * itself, not to an application's own. A bean initialized after this post-processor is
 * registered gets it at its initialization; one created before (because a post-processor
 * or a bean factory post-processor needed it) gets it once every singleton is created.
 */
public class TransactionCommitListenerPostProcessor
		implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {

	private final ObjectProvider<TransactionCommitListener> listener;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	public TransactionCommitListenerPostProcessor(ObjectProvider<TransactionCommitListener> listener) {
		this.listener = listener;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		if (beanFactory instanceof ConfigurableListableBeanFactory listable) {
			this.beanFactory = listable;
		}
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		addListenerTo(bean);
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.beanFactory == null) {
			return;
		}
		// the singletons only: a lazy bean not created yet goes through this
		// post-processor
		for (String name : this.beanFactory.getBeanNamesForType(PlatformTransactionManager.class, false, false)) {
			Object singleton = this.beanFactory.getSingleton(name);
			if (singleton != null) {
				addListenerTo(singleton);
			}
		}
	}

	private void addListenerTo(Object bean) {
		if (bean instanceof PlatformTransactionManager manager && bean instanceof ConfigurableTransactionManager) {
			TransactionCommitListener.addTo(manager, this.listener.getIfAvailable(TransactionCommitListener::new));
		}
	}

}
