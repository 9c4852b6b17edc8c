package io.jetway.jobs;

import java.util.ArrayList;
import java.util.List;

import io.jetway.jobs.JobMessages.JobMessage;
import io.jetway.jobs.JobRepository.NewJob;
import org.jspecify.annotations.Nullable;

import io.jetway.support.SeparateTransactions;
import io.jetway.support.TransactionBuffer;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Collects the jobs a transaction enqueues (those without an idempotency key, which need
 * no answer from the database) and inserts them in one batch just before it commits, on
 * its connection, as the outbox does with messages. {@link #flush()} writes them earlier,
 * for reads of {@code jetway_jobs} in the same transaction. After the commit, the jobs
 * dispatched directly (not through the outbox) are handed to the {@link JobDispatcher}; a
 * rollback discards them. The buffer follows its transaction through suspension
 * ({@code REQUIRES_NEW}) and savepoint rollbacks ({@code NESTED}, per-batch inbox); a job
 * enqueued after the commit (from a synchronization's {@code afterCommit}) is inserted in
 * a transaction of its own (see {@link TransactionBuffer}).
 */
class PendingJobInserts {

	private final JobRepository repository;

	private final @Nullable JobDispatcher dispatcher;

	private final SeparateTransactions separateTransactions;

	PendingJobInserts(JobRepository repository, @Nullable JobDispatcher dispatcher,
			SeparateTransactions separateTransactions) {
		this.repository = repository;
		this.dispatcher = dispatcher;
		this.separateTransactions = separateTransactions;
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
		Buffer buffer = TransactionBuffer.current(this, Buffer::new);
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
		Buffer buffer = TransactionBuffer.current(this, Buffer::new);
		if (buffer == null) {
			this.dispatcher.committed(List.of(message(job)));
		}
		else {
			buffer.addWritten(job);
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

	private static JobMessage message(NewJob job) {
		return new JobMessage(job.id(), job.type(), job.queue(), job.meta(), job.createdAt());
	}

	private final class Buffer extends TransactionBuffer<NewJob> {

		Buffer() {
			super(PendingJobInserts.this);
		}

		@Override
		protected void add(NewJob job) {
			super.add(job);
		}

		@Override
		protected void addWritten(NewJob job) {
			super.addWritten(job);
		}

		@Override
		protected void writePending() {
			super.writePending();
		}

		@Override
		protected void write(List<NewJob> jobs) {
			PendingJobInserts.this.repository.insertAll(jobs);
		}

		@Override
		protected SeparateTransactions separateTransactions() {
			return PendingJobInserts.this.separateTransactions;
		}

		@Override
		protected void committed(List<NewJob> jobs) {
			JobDispatcher target = PendingJobInserts.this.dispatcher;
			if (target == null) {
				return;
			}
			List<JobMessage> direct = new ArrayList<>(jobs.size());
			for (NewJob job : jobs) {
				if (job.direct()) {
					direct.add(message(job));
				}
			}
			if (!direct.isEmpty()) {
				target.committed(direct);
			}
		}

	}

}
