package io.jetway.gettingstarted;

// tag::consume[]
import io.jetway.consumer.JetStreamListener;
import io.jetway.consumer.MessageContext;
import io.jetway.jobs.JobClient;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

@Component
public class InvoiceGenerator {

	private final JdbcTemplate jdbc;

	private final JobClient jobs;

	public InvoiceGenerator(JdbcTemplate jdbc, JobClient jobs) {
		this.jdbc = jdbc;
		this.jobs = jobs;
	}

	// inbox: true (application.yml): runs once per message id, in one transaction with
	// the inbox row, so the invoice, the job and "processed" commit together
	@JetStreamListener("invoice-generator")
	public void on(OrderCreated event, MessageContext context) {
		this.jdbc.update("INSERT INTO invoices (order_id, total, message_id) VALUES (?, ?, ?)", event.orderId(),
				event.total(), context.messageId());
		this.jobs.enqueue("send_invoice", new SendInvoice(event.orderId(), event.customerEmail()));
	}

}
// end::consume[]
