package io.jetway.consumer;

import io.jetway.consumer.JetwayConsumersProperties.ConsumerProperties;

/**
 * Creates the {@link DeliveryProcessor} for consumers with {@code inbox: true}. Provided
 * by the inbox when a DataSource and a transaction manager exist.
 */
public interface DeliveryProcessorFactory {

	DeliveryProcessor create(ListenerInvoker invoker, ConsumerProperties properties);

}
