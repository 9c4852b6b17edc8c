package io.jetway.inbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.jetway.consumer.DeliveryOutcome;
import io.jetway.consumer.DeliveryProcessor;
import io.jetway.consumer.EarlierDeliveries;
import io.jetway.consumer.ListenerInvoker;
import io.nats.client.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.transaction.NestedTransactionNotSupportedException;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One transaction per fetched batch. Already processed ids are found with one query and
 * the new inbox rows are inserted with one batch. The batch first runs without
 * savepoints; when a handler throws, that transaction is rolled back and the batch runs
 * again with a savepoint per message, without the failed message, so a handler that
 * throws rolls back to its savepoint and only its message is redelivered. (Handlers
 * before the failed one run twice then; the database effects of their first run were
 * rolled back.) Where the transaction manager refuses savepoints
 * ({@code JpaTransactionManager} with Hibernate), the rerun is one transaction per
 * message instead. What the rolled-back handlers published or enqueued is dropped with
 * their savepoint or transaction. If the commit fails, every message of the batch is
 * redelivered and the inbox keeps the redeliveries single.
 */
public class BatchInboxDeliveryProcessor implements DeliveryProcessor {

	private static final Log logger = LogFactory.getLog(BatchInboxDeliveryProcessor.class);

	private final ListenerInvoker invoker;

	private final InboxRepository repository;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private volatile boolean savepointsRefused;

	public BatchInboxDeliveryProcessor(ListenerInvoker invoker, InboxRepository repository,
			TransactionTemplate transactions, Clock clock) {
		this.invoker = invoker;
		this.repository = repository;
		this.transactions = transactions;
		this.clock = clock;
	}

	@Override
	public List<DeliveryOutcome> process(List<Message> messages) {
		List<InboxEntry> entries = new ArrayList<>(messages.size());
		for (Message message : messages) {
			entries.add(InboxEntry.of(this.invoker.consumer(), this.invoker.messageId(message), message));
		}
		List<DeliveryOutcome> outcomes;
		try {
			outcomes = runBatch(messages, entries);
		}
		catch (RuntimeException ex) {
			// the transaction could not start, the inbox could not be read or written, or
			// the commit failed (handler failures never get here: they are outcomes):
			// held back while the database cannot be reached
			DeliveryOutcome outcome = DatabaseOutages.isOutage(ex, false, this.repository)
					? DeliveryOutcome.unavailable(ex) : DeliveryOutcome.failed(ex);
			List<DeliveryOutcome> failed = new ArrayList<>(messages.size());
			messages.forEach((message) -> failed.add(outcome));
			return failed;
		}
		for (int i = 0; i < outcomes.size(); i++) {
			if (outcomes.get(i).kind() == DeliveryOutcome.Kind.FAILED) {
				InboxFailures.record(this.repository, this.transactions, entries.get(i), outcomes.get(i).failure(),
						this.clock);
			}
		}
		return outcomes;
	}

	private List<DeliveryOutcome> runBatch(List<Message> messages, List<InboxEntry> entries) {
		try {
			return this.transactions
				.execute((status) -> processInTransaction(messages, entries, status, Collections.emptyMap()));
		}
		catch (FirstFailure failure) {
			Map<Integer, DeliveryOutcome> failed = Map.of(failure.index, DeliveryOutcome.failed(failure.getCause()));
			if (!this.savepointsRefused) {
				try {
					return this.transactions
						.execute((status) -> processInTransaction(messages, entries, status, failed));
				}
				catch (NestedTransactionNotSupportedException ex) {
					this.savepointsRefused = true;
					logger.info("Consumer " + this.invoker.consumer() + ": the transaction manager refuses savepoints ("
							+ ex.getMessage() + "); a per-batch transaction in which a handler fails is finished "
							+ "with one transaction per message");
				}
			}
			return oneTransactionEach(messages, entries, failed);
		}
	}

	/**
	 * Runs each message but the failed ones in a transaction of its own: where savepoints
	 * are refused (JPA with Hibernate), only this isolates a failing handler.
	 */
	private List<DeliveryOutcome> oneTransactionEach(List<Message> messages, List<InboxEntry> entries,
			Map<Integer, DeliveryOutcome> failed) {
		List<DeliveryOutcome> outcomes = new ArrayList<>(messages.size());
		for (int i = 0; i < messages.size(); i++) {
			DeliveryOutcome earlier = failed.get(i);
			if (earlier != null) {
				outcomes.add(earlier);
				continue;
			}
			List<Message> message = List.of(messages.get(i));
			List<InboxEntry> entry = List.of(entries.get(i));
			try {
				outcomes.add(this.transactions
					.execute((status) -> processInTransaction(message, entry, status, Collections.emptyMap()))
					.get(0));
			}
			catch (FirstFailure failure) {
				outcomes.add(DeliveryOutcome.failed(failure.getCause()));
			}
		}
		return outcomes;
	}

	/**
	 * @param failed the outcomes of messages that failed in the first run; when there are
	 * any, each message gets a savepoint, otherwise the first failure ends the run
	 */
	private List<DeliveryOutcome> processInTransaction(List<Message> messages, List<InboxEntry> entries,
			TransactionStatus status, Map<Integer, DeliveryOutcome> failed) {
		boolean savepoints = !failed.isEmpty();
		Set<String> ids = new LinkedHashSet<>();
		entries.forEach((entry) -> ids.add(entry.messageId()));
		Map<String, String> known = this.repository.statusesOf(this.invoker.consumer(), ids);
		Set<String> handledHere = new HashSet<>();
		List<InboxEntry> newlyProcessed = new ArrayList<>(messages.size());
		List<InboxEntry> retriedAndProcessed = new ArrayList<>();
		List<DeliveryOutcome> outcomes = new ArrayList<>(messages.size());
		for (int i = 0; i < messages.size(); i++) {
			InboxEntry entry = entries.get(i);
			if ("processed".equals(known.get(entry.messageId())) || handledHere.contains(entry.messageId())) {
				outcomes.add(DeliveryOutcome.DUPLICATE);
				continue;
			}
			DeliveryOutcome earlier = failed.get(i);
			if (earlier != null) {
				outcomes.add(earlier);
				continue;
			}
			Object savepoint = savepoints ? status.createSavepoint() : null;
			try {
				this.invoker.invoke(messages.get(i));
			}
			catch (Exception ex) {
				if (savepoint == null) {
					throw new FirstFailure(i, ex);
				}
				status.rollbackToSavepoint(savepoint);
				outcomes.add(DeliveryOutcome.failed(ex));
				continue;
			}
			if (savepoint != null) {
				// a released savepoint frees its subtransaction: PostgreSQL slows down
				// past
				// 64 open ones in a transaction
				status.releaseSavepoint(savepoint);
			}
			handledHere.add(entry.messageId());
			(known.containsKey(entry.messageId()) ? retriedAndProcessed : newlyProcessed).add(entry);
			outcomes.add(DeliveryOutcome.HANDLED);
		}
		this.repository.insertProcessed(newlyProcessed, this.clock.instant());
		retriedAndProcessed.forEach((entry) -> this.repository.markProcessed(entry, this.clock.instant()));
		return outcomes;
	}

	/** The first handler failure of a run without savepoints: rolls that run back. */
	private static final class FirstFailure extends RuntimeException {

		private final int index;

		private FirstFailure(int index, Exception cause) {
			super(null, cause, false, false);
			this.index = index;
		}

	}

	@Override
	public EarlierDeliveries earlierDeliveries(Message message) {
		return this.repository
			.earlierDeliveries(InboxEntry.of(this.invoker.consumer(), this.invoker.messageId(message), message));
	}

	@Override
	public boolean databaseAnswers() {
		return this.repository.isReachable();
	}

}
