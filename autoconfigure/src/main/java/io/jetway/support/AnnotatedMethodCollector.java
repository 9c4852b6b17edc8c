package io.jetway.support;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Collects the bean methods carrying an annotation as beans are initialised, for a
 * registry that resolves them once every bean exists. Has no dependencies, so that it can
 * be registered early as a bean post-processor.
 *
 * @param <A> the annotation
 */
public class AnnotatedMethodCollector<A extends Annotation> implements BeanPostProcessor {

	private final Class<A> annotationType;

	private final List<AnnotatedMethod<A>> found = new ArrayList<>();

	public AnnotatedMethodCollector(Class<A> annotationType) {
		this.annotationType = annotationType;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetType = AopUtils.getTargetClass(bean);
		Map<Method, A> methods = MethodIntrospector.selectMethods(targetType,
				(MethodIntrospector.MetadataLookup<A>) (method) -> AnnotatedElementUtils.findMergedAnnotation(method,
						this.annotationType));
		methods.forEach((method, annotation) -> {
			synchronized (this.found) {
				this.found.add(new AnnotatedMethod<>(bean, AopUtils.selectInvocableMethod(method, bean.getClass()),
						annotation, beanName));
			}
		});
		return bean;
	}

	/**
	 * @return the methods found so far, in the order their beans were initialised
	 */
	public List<AnnotatedMethod<A>> found() {
		synchronized (this.found) {
			return List.copyOf(this.found);
		}
	}

	/**
	 * An annotated method of a bean.
	 *
	 * @param <A> the annotation
	 * @param bean the bean
	 * @param method the method to invoke on it
	 * @param annotation the annotation
	 * @param beanName the bean's name
	 */
	public record AnnotatedMethod<A extends Annotation>(Object bean, Method method, A annotation, String beanName) {

		public String describe() {
			return this.method.getDeclaringClass().getName() + "." + this.method.getName() + " (bean '" + this.beanName
					+ "')";
		}

	}

}
