package io.jetway.inbox;

import java.time.Clock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records a failed delivery in the inbox in a transaction of its own, after the handler's
 * transaction rolled back.
 */
final class InboxFailures {

	private static final Log logger = LogFactory.getLog(InboxFailures.class);

	private InboxFailures() {
	}

	static void record(InboxRepository repository, TransactionTemplate transactions, InboxEntry entry,
			Throwable failure, Clock clock) {
		TransactionTemplate own = new TransactionTemplate(transactions.getTransactionManager());
		own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		try {
			own.executeWithoutResult((status) -> repository.recordFailure(entry,
					failure.getClass().getName() + ": " + failure.getMessage(), clock.instant()));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record the failure of message " + entry.messageId() + " in the inbox: " + ex);
		}
	}

}
