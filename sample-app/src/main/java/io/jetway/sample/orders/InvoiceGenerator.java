package io.jetway.sample.orders;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;

import io.jetway.consumer.JetStreamListener;
import io.jetway.consumer.MessageContext;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Creates the invoice of every new order and enqueues the e-mail that sends it. The
 * consumer {@code invoice-generator} has the inbox on ({@code application.yml}), so this
 * runs in a database transaction together with the inbox row: the invoice, the job and
 * the record that the message was handled commit together, and a redelivered message is
 * acknowledged without running this again.
 * <p>
 * Orders of the item {@value #UNBILLABLE} always fail invoicing: after the consumer's
 * {@code max-deliver} attempts Jetway moves the message to the dead-letter stream, where
 * {@code GET /orders/{id}} and {@code GET /orders/dead-letters} show it.
 */
@Component
public class InvoiceGenerator {

	/** The consumer ({@code jetway.consumers.invoice-generator}). */
	public static final String CONSUMER = "invoice-generator";

	/** The stream it reads ({@code jetway.consumers.invoice-generator.stream}). */
	public static final String STREAM = "ORDERS";

	/** The item whose orders cannot be invoiced, the dead-letter example. */
	public static final String UNBILLABLE = "unbillable";

	private static final Log logger = LogFactory.getLog(InvoiceGenerator.class);

	private final InvoiceRepository invoices;

	private final JobClient jobs;

	private final Clock clock = Clock.systemUTC();

	public InvoiceGenerator(InvoiceRepository invoices, JobClient jobs) {
		this.invoices = invoices;
		this.jobs = jobs;
	}

	@JetStreamListener(CONSUMER)
	void on(OrderCreated order, MessageContext context) {
		if (UNBILLABLE.equals(order.item())) {
			throw new IllegalStateException("The tax service refuses to invoice item '" + UNBILLABLE + "' (order "
					+ order.orderId() + ", delivery " + context.deliveryCount() + ")");
		}
		UUID invoiceId = UUID.randomUUID();
		JobOptions.Builder options = JobOptions.builder().idempotencyKey("invoice-email:" + order.orderId());
		if (order.webhookUrl() != null) {
			options.webhookUrl(order.webhookUrl());
		}
		UUID jobId = this.jobs.enqueue(EmailJobs.SEND_EMAIL, Map.of("to", order.customerEmail(), "template", "invoice",
				"invoice_id", invoiceId.toString(), "order_id", order.orderId().toString()), options.build());
		this.invoices.save(new Invoice(invoiceId, order.orderId(), order.amount(), jobId, this.clock.instant()));
		logger.info("Invoice " + invoiceId + " for order " + order.orderId() + ", e-mail job " + jobId);
	}

}
