package io.jetway.gettingstarted;

// tag::idempotency-key-controller[]
import java.math.BigDecimal;
import java.util.UUID;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class OrderController {

	private final OrderRequests requests;

	public OrderController(OrderRequests requests) {
		this.requests = requests;
	}

	@PostMapping("/orders")
	public OrderPlaced place(@RequestHeader("Idempotency-Key") String idempotencyKey, @RequestBody PlaceOrder order) {
		return new OrderPlaced(this.requests.placeOnce(idempotencyKey, order.customerEmail(), order.total()));
	}

	public record PlaceOrder(String customerEmail, BigDecimal total) {
	}

	public record OrderPlaced(UUID orderId) {
	}

}
// end::idempotency-key-controller[]
