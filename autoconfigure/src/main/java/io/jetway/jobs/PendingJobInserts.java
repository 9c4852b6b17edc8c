package io.jetway.jobs;

import java.util.ArrayList;
import java.util.List;

import io.jetway.jobs.JobRepository.NewJob;

import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Collects the jobs a transaction enqueues (those without an idempotency key, which need
 * no answer from the database) and inserts them in one batch just before it commits, on
 * its connection, as the outbox does with the jobs' messages. {@link #flush()} writes
 * them earlier, for reads of {@code jetway_jobs} in the same transaction.
 */
class PendingJobInserts {

	private final JobRepository repository;

	PendingJobInserts(JobRepository repository) {
		this.repository = repository;
	}

	/**
	 * Adds a job to the current transaction's batch; requires an active transaction with
	 * synchronization.
	 */
	void add(NewJob job) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			this.repository.insertAll(List.of(job));
			return;
		}
		Buffer buffer = (Buffer) TransactionSynchronizationManager.getResource(this);
		if (buffer == null) {
			buffer = new Buffer();
			TransactionSynchronizationManager.bindResource(this, buffer);
			TransactionSynchronizationManager.registerSynchronization(buffer);
		}
		buffer.add(job);
	}

	/**
	 * Inserts the jobs the current transaction enqueued so far, if any.
	 */
	void flush() {
		if (TransactionSynchronizationManager.getResource(this) instanceof Buffer buffer) {
			buffer.writePending();
		}
	}

	private final class Buffer implements TransactionSynchronization {

		private final List<NewJob> jobs = new ArrayList<>();

		private boolean committing;

		void add(NewJob job) {
			this.jobs.add(job);
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
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(PendingJobInserts.this);
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

}
