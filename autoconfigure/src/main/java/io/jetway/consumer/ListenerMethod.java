package io.jetway.consumer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

import io.nats.client.Message;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ReflectionUtils;

/**
 * A {@link JetStreamListener} method with the binding of each of its parameters, resolved
 * once at startup.
 */
public final class ListenerMethod {

	private final Object bean;

	private final Method method;

	private final String consumer;

	private final BiFunction<Message, MessageContext, Object>[] binders;

	@SuppressWarnings("unchecked")
	ListenerMethod(Object bean, Method method, String consumer, JsonMapper jsonMapper) {
		this.bean = bean;
		this.method = method;
		this.consumer = consumer;
		ReflectionUtils.makeAccessible(method);
		Parameter[] parameters = method.getParameters();
		this.binders = new BiFunction[parameters.length];
		boolean payloadBound = false;
		for (int i = 0; i < parameters.length; i++) {
			Class<?> type = parameters[i].getType();
			if (type == MessageContext.class) {
				this.binders[i] = (message, context) -> context;
				continue;
			}
			if (payloadBound) {
				throw new IllegalStateException("@JetStreamListener(\"" + consumer + "\") on " + describe()
						+ " has two payload parameters (" + parameters[i].getName() + " of type " + type.getName()
						+ " is the second); a listener takes one payload parameter and optionally a MessageContext");
			}
			payloadBound = true;
			this.binders[i] = payloadBinder(parameters[i], jsonMapper);
		}
	}

	public String consumer() {
		return this.consumer;
	}

	public String describe() {
		return this.method.getDeclaringClass().getName() + "." + this.method.getName();
	}

	/**
	 * Calls the method.
	 * @throws PayloadBindingException when the body cannot be read
	 * @throws Exception whatever the method throws
	 */
	void invoke(Message message, MessageContext context) throws Exception {
		Object[] arguments = new Object[this.binders.length];
		for (int i = 0; i < arguments.length; i++) {
			arguments[i] = this.binders[i].apply(message, context);
		}
		try {
			this.method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			if (ex.getCause() instanceof Exception cause) {
				throw cause;
			}
			throw ex;
		}
	}

	private BiFunction<Message, MessageContext, Object> payloadBinder(Parameter parameter, JsonMapper jsonMapper) {
		Class<?> type = parameter.getType();
		if (type == Message.class) {
			return (message, context) -> message;
		}
		if (type == byte[].class) {
			return (message, context) -> body(message);
		}
		if (type == String.class) {
			return (message, context) -> new String(body(message), StandardCharsets.UTF_8);
		}
		if (type.isPrimitive() || type == Object.class) {
			throw new IllegalStateException("@JetStreamListener(\"" + this.consumer + "\") on " + describe()
					+ ": parameter " + parameter.getName() + " of type " + type.getName() + " cannot be bound; use "
					+ "a class or record Jackson can read, byte[], String, JsonNode, Message or MessageContext");
		}
		JavaType javaType = jsonMapper.getTypeFactory().constructType(parameter.getParameterizedType());
		boolean tree = JsonNode.class.isAssignableFrom(type);
		return (message, context) -> {
			try {
				return tree ? jsonMapper.readTree(body(message)) : jsonMapper.readValue(body(message), javaType);
			}
			catch (JacksonException ex) {
				throw new PayloadBindingException("The body of message " + context.messageId() + " on '"
						+ message.getSubject() + "' cannot be read as " + javaType + ": " + ex.getOriginalMessage(),
						ex);
			}
		};
	}

	private static byte[] body(Message message) {
		byte[] data = message.getData();
		return (data != null) ? data : new byte[0];
	}

}
