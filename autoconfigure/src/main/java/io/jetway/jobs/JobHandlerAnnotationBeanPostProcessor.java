package io.jetway.jobs;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds {@link JobHandler} methods on beans; {@link JobHandlers} resolves them.
 */
public class JobHandlerAnnotationBeanPostProcessor implements BeanPostProcessor {

	private final List<Found> found = new ArrayList<>();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetType = AopUtils.getTargetClass(bean);
		Map<Method, JobHandler> methods = MethodIntrospector.selectMethods(targetType,
				(MethodIntrospector.MetadataLookup<JobHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, JobHandler.class));
		methods.forEach((method, annotation) -> {
			synchronized (this.found) {
				this.found.add(new Found(bean, AopUtils.selectInvocableMethod(method, bean.getClass()), annotation));
			}
		});
		return bean;
	}

	List<Found> found() {
		synchronized (this.found) {
			return List.copyOf(this.found);
		}
	}

	record Found(Object bean, Method method, JobHandler annotation) {
	}

}
