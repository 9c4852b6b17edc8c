package io.jetway.consumer;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds {@link JetStreamListener} methods on beans. The {@link JetStreamListenerRegistry}
 * turns them into running containers once every bean exists.
 */
public class JetStreamListenerAnnotationBeanPostProcessor implements BeanPostProcessor {

	private final List<Found> found = new ArrayList<>();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = AopUtils.getTargetClass(bean);
		Map<Method, JetStreamListener> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<JetStreamListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, JetStreamListener.class));
		methods.forEach((method, annotation) -> {
			synchronized (this.found) {
				this.found.add(new Found(bean, AopUtils.selectInvocableMethod(method, bean.getClass()),
						annotation.value(), beanName));
			}
		});
		return bean;
	}

	List<Found> found() {
		synchronized (this.found) {
			return List.copyOf(this.found);
		}
	}

	/**
	 * A listener method found on a bean.
	 *
	 * @param bean the bean
	 * @param method the method to invoke
	 * @param consumer the consumer name it names
	 * @param beanName the bean's name
	 */
	record Found(Object bean, Method method, String consumer, String beanName) {
	}

}
