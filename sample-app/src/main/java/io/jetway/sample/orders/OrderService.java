package io.jetway.sample.orders;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Places orders: the order row and the outbox row of its event commit together.
 */
@Service
public class OrderService {

	private final OrderRepository orders;

	private final ApplicationEventPublisher events;

	private final Clock clock = Clock.systemUTC();

	public OrderService(OrderRepository orders, ApplicationEventPublisher events) {
		this.orders = orders;
		this.events = events;
	}

	@Transactional
	public Order place(String customerEmail, String item, BigDecimal amount, @Nullable String webhookUrl) {
		Order order = this.orders.save(new Order(UUID.randomUUID(), customerEmail, item, amount, webhookUrl,
				this.clock.instant().truncatedTo(ChronoUnit.MICROS)));
		this.events.publishEvent(new OrderCreated(order.getId(), customerEmail, item, amount, webhookUrl));
		return order;
	}

}
