package io.jetway.jobs;

import java.util.ArrayList;
import java.util.List;

import io.jetway.jobs.JobMessages.JobMessage;
import io.jetway.jobs.JobRepository.NewJob;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Collects the jobs a transaction enqueues (those without an idempotency key, which need
 * no answer from the database) and inserts them in one batch just before it commits, on
 * its connection, as the outbox does with messages. {@link #flush()} writes them earlier,
 * for reads of {@code jetway_jobs} in the same transaction. After the commit, the jobs
 * dispatched directly (not through the outbox) are handed to the {@link JobDispatcher}; a
 * rollback discards them.
 */
class PendingJobInserts {

	private final JobRepository repository;

	private final @Nullable JobDispatcher dispatcher;

	PendingJobInserts(JobRepository repository, @Nullable JobDispatcher dispatcher) {
		this.repository = repository;
		this.dispatcher = dispatcher;
	}

	/**
	 * @return whether jobs can be handed to a {@link JobDispatcher} after their commit
	 */
	boolean dispatchesDirectly() {
		return this.dispatcher != null;
	}

	/**
	 * Adds a job to the current transaction's batch.
	 */
	void add(NewJob job) {
		Buffer buffer = buffer();
		if (buffer == null) {
			this.repository.insertAll(List.of(job));
			inserted(job);
			return;
		}
		buffer.add(job);
	}

	/**
	 * Notes a job the current transaction inserted itself, for its dispatch after the
	 * commit.
	 */
	void inserted(NewJob job) {
		if (!job.direct() || this.dispatcher == null) {
			return;
		}
		Buffer buffer = buffer();
		if (buffer == null) {
			this.dispatcher.committed(List.of(message(job)));
		}
		else {
			buffer.direct.add(message(job));
		}
	}

	/**
	 * Inserts the jobs the current transaction enqueued so far, if any.
	 */
	void flush() {
		if (TransactionSynchronizationManager.getResource(this) instanceof Buffer buffer) {
			buffer.writePending();
		}
	}

	private @Nullable Buffer buffer() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return null;
		}
		Buffer buffer = (Buffer) TransactionSynchronizationManager.getResource(this);
		if (buffer == null) {
			buffer = new Buffer();
			TransactionSynchronizationManager.bindResource(this, buffer);
			TransactionSynchronizationManager.registerSynchronization(buffer);
		}
		return buffer;
	}

	private static JobMessage message(NewJob job) {
		return new JobMessage(job.id(), job.type(), job.queue());
	}

	private final class Buffer implements TransactionSynchronization {

		private final List<NewJob> jobs = new ArrayList<>();

		private final List<JobMessage> direct = new ArrayList<>();

		private boolean committing;

		void add(NewJob job) {
			this.jobs.add(job);
			if (job.direct()) {
				this.direct.add(message(job));
			}
			if (this.committing) {
				// enqueued by another synchronization's beforeCommit after this one ran
				writePending();
			}
		}

		void writePending() {
			if (!this.jobs.isEmpty()) {
				PendingJobInserts.this.repository.insertAll(List.copyOf(this.jobs));
				this.jobs.clear();
			}
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			this.committing = true;
			writePending();
		}

		@Override
		public void flush() {
			writePending();
		}

		@Override
		public void afterCommit() {
			JobDispatcher target = PendingJobInserts.this.dispatcher;
			if (target != null && !this.direct.isEmpty()) {
				target.committed(this.direct);
			}
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(PendingJobInserts.this);
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

}
