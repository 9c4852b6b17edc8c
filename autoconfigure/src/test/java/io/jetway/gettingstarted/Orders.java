package io.jetway.gettingstarted;

// tag::publish[]
import java.math.BigDecimal;
import java.util.UUID;

import io.jetway.publish.JetwayPublisher;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class Orders {

	private final JdbcTemplate jdbc;

	private final JetwayPublisher publisher;

	public Orders(JdbcTemplate jdbc, JetwayPublisher publisher) {
		this.jdbc = jdbc;
		this.publisher = publisher;
	}

	@Transactional // the event commits with the order, or neither does
	public UUID place(String customerEmail, BigDecimal total) {
		UUID id = UUID.randomUUID();
		this.jdbc.update("INSERT INTO orders (id, customer_email, total) VALUES (?, ?, ?)", id, customerEmail, total);
		this.publisher.publish("orders.created", new OrderCreated(id, customerEmail, total));
		return id;
	}

}
// end::publish[]
