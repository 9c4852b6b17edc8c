package io.jetway.jobs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

import io.jetway.consumer.NonRetryableException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ReflectionUtils;

/**
 * A {@link JobHandler} method with its payload binding, resolved at startup.
 */
public final class JobHandlerMethod {

	private final Object bean;

	private final Method method;

	private final String type;

	private final String queue;

	private final boolean transactional;

	private final JsonMapper jsonMapper;

	private final @Nullable JavaType payloadType;

	private final int payloadIndex;

	private final int contextIndex;

	JobHandlerMethod(Object bean, Method method, String type, String queue, JsonMapper jsonMapper) {
		this(bean, method, type, queue, false, jsonMapper);
	}

	JobHandlerMethod(Object bean, Method method, String type, String queue, boolean transactional,
			JsonMapper jsonMapper) {
		this.bean = bean;
		this.transactional = transactional;
		this.method = method;
		this.type = type;
		this.queue = queue;
		this.jsonMapper = jsonMapper;
		ReflectionUtils.makeAccessible(method);
		int payload = -1;
		int context = -1;
		Parameter[] parameters = method.getParameters();
		for (int i = 0; i < parameters.length; i++) {
			if (parameters[i].getType() == JobContext.class) {
				context = i;
			}
			else if (payload < 0 && !parameters[i].getType().isPrimitive()) {
				payload = i;
			}
			else {
				throw new IllegalStateException("@JobHandler(type = \"" + type + "\") on " + describe() + ": parameter "
						+ parameters[i].getName() + " of type " + parameters[i].getType().getName()
						+ " cannot be bound; a job handler takes one payload parameter (a class Jackson reads, "
						+ "String or JsonNode) and optionally a JobContext");
			}
		}
		this.payloadIndex = payload;
		this.contextIndex = context;
		this.payloadType = (payload >= 0)
				? jsonMapper.getTypeFactory().constructType(parameters[payload].getParameterizedType()) : null;
	}

	public String type() {
		return this.type;
	}

	public String queue() {
		return this.queue;
	}

	/**
	 * @return whether the handler runs in the transaction that completes its job
	 */
	public boolean transactional() {
		return this.transactional;
	}

	public String describe() {
		return this.method.getDeclaringClass().getName() + "." + this.method.getName();
	}

	/**
	 * Runs the handler.
	 * @return the result as JSON, or {@code null}
	 * @throws Exception what the handler threw; a payload that cannot be read throws
	 * {@link NonRetryableException}
	 */
	@Nullable String invoke(String payloadJson, JobContext context) throws Exception {
		Object[] arguments = new Object[this.method.getParameterCount()];
		if (this.payloadIndex >= 0) {
			arguments[this.payloadIndex] = readPayload(payloadJson);
		}
		if (this.contextIndex >= 0) {
			arguments[this.contextIndex] = context;
		}
		Object result;
		try {
			result = this.method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			if (ex.getCause() instanceof Exception cause) {
				throw cause;
			}
			throw ex;
		}
		return (result != null) ? this.jsonMapper.writeValueAsString(result) : null;
	}

	private Object readPayload(String payloadJson) {
		try {
			if (this.payloadType.getRawClass() == String.class) {
				return payloadJson;
			}
			if (JsonNode.class.isAssignableFrom(this.payloadType.getRawClass())) {
				return this.jsonMapper.readTree(payloadJson);
			}
			return this.jsonMapper.readValue(payloadJson, this.payloadType);
		}
		catch (JacksonException ex) {
			throw new NonRetryableException("The payload of job type '" + this.type + "' cannot be read as "
					+ this.payloadType + ": " + ex.getOriginalMessage(), ex);
		}
	}

}
