package io.jetway.consumer;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of a durable consumer configured under
 * {@code jetway.consumers.<name>}.
 * <p>
 * Parameters, in any order: the payload (a type Jackson reads from JSON, or
 * {@code byte[]}, {@code String}, {@code JsonNode}, or jnats' {@code Message}) and
 * optionally a {@link MessageContext}. Returning normally acknowledges the message;
 * throwing redelivers it with the consumer's backoff, or dead-letters it.
 *
 * <pre class="code">
 * &#64;JetStreamListener("invoice-generator")
 * void on(OrderCreated event, MessageContext context) { ... }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface JetStreamListener {

	/**
	 * @return the consumer name, a key of {@code jetway.consumers}
	 */
	String value();

}
