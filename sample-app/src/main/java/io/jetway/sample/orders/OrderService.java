package io.jetway.sample.orders;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.PublishReceipt;
import io.jetway.sample.api.Tenant;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Places orders for the API key's project and environment: the order row and the outbox
 * row of its event commit together. The order keeps its event's message id, by which
 * {@code GET /orders/{id}} finds the event's dead letter without reading the others.
 */
@Service
public class OrderService {

	private final OrderRepository orders;

	private final JetwayPublisher publisher;

	private final Clock clock = Clock.systemUTC();

	public OrderService(OrderRepository orders, JetwayPublisher publisher) {
		this.orders = orders;
		this.publisher = publisher;
	}

	@Transactional
	public Order place(Tenant tenant, String customerEmail, String item, BigDecimal amount,
			@Nullable String webhookUrl) {
		Order order = new Order(UUID.randomUUID(), tenant.projectId(), tenant.environmentId(), customerEmail, item,
				amount, webhookUrl, this.clock.instant().truncatedTo(ChronoUnit.MICROS));
		PublishReceipt event = this.publisher.publish(OrderCreated.SUBJECT,
				new OrderCreated(order.getId(), customerEmail, item, amount, webhookUrl));
		order.setEventId(event.id());
		return this.orders.save(order);
	}

}
