package io.jetway.gettingstarted;

// tag::job[]
import io.jetway.jobs.JobContext;
import io.jetway.jobs.JobHandler;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

@Component
public class InvoiceMailer {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	public InvoiceMailer(JdbcTemplate jdbc, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	@JobHandler(type = "send_invoice", queue = "email")
	public InvoiceSent send(SendInvoice job, JobContext context) {
		context.progress(0.5, "queueing the invoice mail, attempt " + context.attempt());
		// A handler runs at least once: a crash after this commit and before the job's
		// completion runs it again. Keyed on the job's id, the second run inserts
		// nothing.
		Boolean firstRun = this.transactions.execute((status) -> this.jdbc.update(
				"INSERT INTO outgoing_mail (job_id, recipient, subject) VALUES (?, ?, ?) ON CONFLICT (job_id) DO NOTHING",
				context.id(), job.customerEmail(), "Your invoice for order " + job.orderId()) == 1);
		return new InvoiceSent(context.id(), Boolean.TRUE.equals(firstRun));
	}

}
// end::job[]
