package io.jetway.test.context;

import io.jetway.test.nats.NatsServerBinary;
import io.jetway.test.nats.NatsServerProcess;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Registers a {@link NatsServerProcess} bean, started when the connection details (or a
 * test) first need it and closed with the context, and a
 * {@link PrivateNatsServerConnectionDetails} bean that depends on it, so that the NATS
 * connection closes before the server stops. Being a record, two customizers with the
 * same attributes are equal and the test framework's context cache shares one context,
 * and one server, between their test classes.
 *
 * @param version the nats-server version, or empty for the default binary
 * @param token the token the server requires, or empty for none
 */
record PrivateNatsServerContextCustomizer(String version, String token) implements ContextCustomizer {

	static final String SERVER_BEAN_NAME = "jetwayPrivateNatsServer";

	static final String CONNECTION_DETAILS_BEAN_NAME = "jetwayPrivateNatsServerConnectionDetails";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (!(beanFactory instanceof BeanDefinitionRegistry registry)) {
			throw new IllegalStateException("@PrivateNatsServer needs an application context whose bean factory "
					+ "accepts bean definitions; " + beanFactory.getClass().getName() + " does not");
		}
		RootBeanDefinition server = new RootBeanDefinition(NatsServerProcess.class, this::startServer);
		server.setDestroyMethodName("close");
		server.setLazyInit(true); // started when the connection details are needed
		registry.registerBeanDefinition(SERVER_BEAN_NAME, server);
		RootBeanDefinition details = new RootBeanDefinition(PrivateNatsServerConnectionDetails.class);
		details.getConstructorArgumentValues().addIndexedArgumentValue(0, new RuntimeBeanReference(SERVER_BEAN_NAME));
		details.getConstructorArgumentValues().addIndexedArgumentValue(1, this.token);
		details.setLazyInit(true);
		registry.registerBeanDefinition(CONNECTION_DETAILS_BEAN_NAME, details);
	}

	private NatsServerProcess startServer() {
		NatsServerProcess.Builder builder = NatsServerProcess.builder();
		if (!this.version.isEmpty()) {
			builder.binary(NatsServerBinary.of(this.version));
		}
		if (!this.token.isEmpty()) {
			builder.config("authorization { token: \"" + quoted(this.token) + "\" }");
		}
		return builder.start();
	}

	/** The token inside a quoted string of nats-server's configuration. */
	private static String quoted(String token) {
		return token.replace("\\", "\\\\").replace("\"", "\\\"");
	}

}
