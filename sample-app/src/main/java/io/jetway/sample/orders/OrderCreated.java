package io.jetway.sample.orders;

import java.math.BigDecimal;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Published with {@link io.jetway.publish.JetwayPublisher} inside the transaction that
 * saves the order: Jetway writes it to the outbox, and publishes it to
 * {@code orders.created} (stream ORDERS) after the commit.
 *
 * @param orderId the order
 * @param customerEmail where the invoice goes
 * @param item what was ordered
 * @param amount the total
 * @param webhookUrl where the e-mail job posts its outcome, or {@code null}
 */
public record OrderCreated(UUID orderId, String customerEmail, String item, BigDecimal amount,
		@Nullable String webhookUrl) {

	/** Where order events go. */
	public static final String SUBJECT = "orders.created";

}
