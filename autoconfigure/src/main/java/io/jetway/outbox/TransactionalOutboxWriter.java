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

import io.jetway.support.SeparateTransactions;
import io.jetway.support.TransactionBuffer;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Collects the messages a transaction publishes and inserts them as outbox rows in one
 * batch just before it commits, on its connection. After the commit it hands them to the
 * {@link OutboxRelay}, which publishes them at once; a rollback discards them. The buffer
 * follows its transaction through suspension ({@code REQUIRES_NEW}) and savepoint
 * rollbacks ({@code NESTED}, per-batch inbox); a message published after the commit (from
 * a synchronization's {@code afterCommit}) is written in a transaction of its own (see
 * {@link TransactionBuffer}).
 */
public class TransactionalOutboxWriter implements OutboxWriter {

	private final OutboxRepository repository;

	private final OutboxRelay relay;

	private final SeparateTransactions separateTransactions;

	private final Clock clock;

	private final Duration recoveryDelay;

	public TransactionalOutboxWriter(OutboxRepository repository, OutboxRelay relay,
			SeparateTransactions separateTransactions, Clock clock, Duration recoveryDelay) {
		this.repository = repository;
		this.relay = relay;
		this.separateTransactions = separateTransactions;
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
		Buffer buffer = TransactionBuffer.current(this, Buffer::new);
		if (buffer == null) {
			throw new IllegalStateException("No transaction synchronization is active: check canWrite() first");
		}
		buffer.add(new Buffered(row, delayed));
		return PublishReceipt.outboxed(message.id(), message.subject());
	}

	private record Buffered(PendingRow row, boolean delayed) {
	}

	private final class Buffer extends TransactionBuffer<Buffered> {

		Buffer() {
			super(TransactionalOutboxWriter.this);
		}

		@Override
		protected void add(Buffered item) {
			super.add(item);
		}

		@Override
		protected void write(List<Buffered> items) {
			TransactionalOutboxWriter.this.repository.insert(items.stream().map(Buffered::row).toList());
		}

		@Override
		protected SeparateTransactions separateTransactions() {
			return TransactionalOutboxWriter.this.separateTransactions;
		}

		@Override
		protected void committed(List<Buffered> items) {
			List<OutboxRecord> immediate = new ArrayList<>(items.size());
			for (Buffered item : items) {
				if (!item.delayed()) {
					immediate.add(item.row().record());
				}
			}
			if (!immediate.isEmpty()) {
				TransactionalOutboxWriter.this.relay.committed(immediate);
			}
		}

	}

}
