package io.jetway.test.context;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Turns {@link PrivateNatsServer @PrivateNatsServer} on a test class (or an enclosing
 * class or superclass) into a {@link PrivateNatsServerContextCustomizer}. Registered in
 * {@code META-INF/spring.factories}.
 */
class PrivateNatsServerContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		PrivateNatsServer annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				PrivateNatsServer.class);
		return (annotation != null)
				? new PrivateNatsServerContextCustomizer(annotation.version().trim(), annotation.token()) : null;
	}

}
