package io.jetway.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.jetway.outbox.OutboxRepository.PendingRow;
import io.jetway.publish.EncodedMessage;
import io.jetway.publish.OutboxWriter;
import io.jetway.publish.PublishReceipt;

import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Collects the messages a transaction publishes and inserts them as outbox rows in one
 * batch just before it commits, on its connection. After the commit it hands them to the
 * {@link OutboxRelay}, which publishes them at once; a rollback discards them.
 */
public class TransactionalOutboxWriter implements OutboxWriter {

	private final OutboxRepository repository;

	private final OutboxRelay relay;

	private final Clock clock;

	private final Duration recoveryDelay;

	public TransactionalOutboxWriter(OutboxRepository repository, OutboxRelay relay, Clock clock,
			Duration recoveryDelay) {
		this.repository = repository;
		this.relay = relay;
		this.clock = clock;
		this.recoveryDelay = recoveryDelay;
	}

	@Override
	public boolean canWrite() {
		return TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.isActualTransactionActive();
	}

	@Override
	public PublishReceipt write(EncodedMessage message) {
		Instant now = this.clock.instant();
		OutboxRecord record = new OutboxRecord(message.id(), message.subject(), message.body(), message.headers(), 0,
				now);
		boolean delayed = message.notBefore() != null && message.notBefore().isAfter(now);
		PendingRow row = new PendingRow(record, delayed ? message.notBefore() : now.plus(this.recoveryDelay));
		transactionBuffer().add(row, delayed);
		return PublishReceipt.outboxed(message.id(), message.subject());
	}

	private TransactionBuffer transactionBuffer() {
		TransactionBuffer buffer = (TransactionBuffer) TransactionSynchronizationManager.getResource(this);
		if (buffer == null) {
			buffer = new TransactionBuffer();
			TransactionSynchronizationManager.bindResource(this, buffer);
			TransactionSynchronizationManager.registerSynchronization(buffer);
		}
		return buffer;
	}

	private final class TransactionBuffer implements TransactionSynchronization {

		private final List<PendingRow> rows = new ArrayList<>();

		private final List<OutboxRecord> immediate = new ArrayList<>();

		private boolean flushed;

		void add(PendingRow row, boolean delayed) {
			if (!delayed) {
				this.immediate.add(row.record());
			}
			if (this.flushed) {
				// published during another synchronization's beforeCommit (a JPA flush,
				// for
				// example), after this buffer was written: insert it on its own
				TransactionalOutboxWriter.this.repository.insert(List.of(row));
			}
			else {
				this.rows.add(row);
			}
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			if (!this.rows.isEmpty()) {
				TransactionalOutboxWriter.this.repository.insert(this.rows);
			}
			this.flushed = true;
		}

		@Override
		public void afterCommit() {
			if (!this.immediate.isEmpty()) {
				TransactionalOutboxWriter.this.relay.committed(this.immediate);
			}
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(TransactionalOutboxWriter.this);
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

}
