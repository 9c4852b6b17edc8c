package io.jetway.gettingstarted;

// tag::idempotency-key[]
import java.math.BigDecimal;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class OrderRequests {

	private final JdbcTemplate jdbc;

	private final Orders orders;

	public OrderRequests(JdbcTemplate jdbc, Orders orders) {
		this.jdbc = jdbc;
		this.orders = orders;
	}

	// The key, the order and its event commit together. A retry with the same key finds
	// the first request's order and places nothing; a concurrent retry waits on the key's
	// unique index until the first commits, then finds it.
	@Transactional
	public UUID placeOnce(String idempotencyKey, String customerEmail, BigDecimal total) {
		int claimed = this.jdbc.update(
				"INSERT INTO order_requests (idempotency_key) VALUES (?) ON CONFLICT (idempotency_key) DO NOTHING",
				idempotencyKey);
		if (claimed == 0) {
			return this.jdbc.queryForObject("SELECT order_id FROM order_requests WHERE idempotency_key = ?", UUID.class,
					idempotencyKey);
		}
		UUID orderId = this.orders.place(customerEmail, total);
		this.jdbc.update("UPDATE order_requests SET order_id = ? WHERE idempotency_key = ?", orderId, idempotencyKey);
		return orderId;
	}

}
// end::idempotency-key[]
