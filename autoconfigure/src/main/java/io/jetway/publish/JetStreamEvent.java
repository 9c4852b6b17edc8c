package io.jetway.publish;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an application event class for JetStream: an instance published with Spring's
 * {@code ApplicationEventPublisher} is published by {@link JetwayPublisher} to
 * {@link #subject()}, through the outbox when a transaction is active.
 *
 * <pre class="code">
 * &#64;JetStreamEvent(subject = "orders.created")
 * record OrderCreated(UUID orderId, BigDecimal total) {}
 *
 * &#64;Transactional
 * void place(Order order) {
 *     orders.save(order);
 *     events.publishEvent(new OrderCreated(order.id(), order.total()));
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface JetStreamEvent {

	/**
	 * @return the subject, before the namespace is applied
	 */
	String subject();

	/**
	 * @return the CloudEvents type; the subject when empty
	 */
	String type() default "";

}
