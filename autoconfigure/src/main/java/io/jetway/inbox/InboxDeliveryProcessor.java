package io.jetway.inbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.jetway.consumer.DeliveryOutcome;
import io.jetway.consumer.DeliveryProcessor;
import io.jetway.consumer.EarlierDeliveries;
import io.jetway.consumer.ListenerInvoker;
import io.jetway.inbox.InboxRepository.InboxClaim;
import io.nats.client.Message;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * One transaction per message: the inbox check, the handler and the inbox row commit or
 * roll back together. A message whose id was already processed is acknowledged without
 * calling the handler. A failure while the database cannot be reached holds the message
 * back ({@link DeliveryOutcome#unavailable}) instead of spending its delivery; see
 * {@link DatabaseOutages}.
 */
public class InboxDeliveryProcessor implements DeliveryProcessor {

	private final ListenerInvoker invoker;

	private final InboxRepository repository;

	private final TransactionTemplate transactions;

	private final Clock clock;

	public InboxDeliveryProcessor(ListenerInvoker invoker, InboxRepository repository, TransactionTemplate transactions,
			Clock clock) {
		this.invoker = invoker;
		this.repository = repository;
		this.transactions = transactions;
		this.clock = clock;
	}

	@Override
	public List<DeliveryOutcome> process(List<Message> messages) {
		List<DeliveryOutcome> outcomes = new ArrayList<>(messages.size());
		for (Message message : messages) {
			outcomes.add(processOne(message));
		}
		return outcomes;
	}

	private DeliveryOutcome processOne(Message message) {
		InboxEntry entry = InboxEntry.of(this.invoker.consumer(), this.invoker.messageId(message), message);
		AtomicBoolean began = new AtomicBoolean();
		try {
			return this.transactions.execute((status) -> {
				began.set(true);
				InboxClaim claim = this.repository.claim(entry, this.clock.instant());
				if (claim == InboxClaim.ALREADY_PROCESSED) {
					return DeliveryOutcome.DUPLICATE;
				}
				try {
					this.invoker.invoke(message);
				}
				catch (Exception ex) {
					// the handler's own failure, whatever it looks like: never taken for
					// the inbox's transaction failing to begin
					throw new HandlerFailure(ex);
				}
				this.repository.complete(entry, claim, this.clock.instant());
				return DeliveryOutcome.HANDLED;
			});
		}
		catch (RuntimeException ex) {
			Throwable failure = (ex instanceof HandlerFailure) ? ex.getCause() : ex;
			if (DatabaseOutages.isOutage(ex, began.get(), this.repository)) {
				return DeliveryOutcome.unavailable(failure);
			}
			InboxFailures.record(this.repository, this.transactions, entry, failure, this.clock);
			return DeliveryOutcome.failed(failure);
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
