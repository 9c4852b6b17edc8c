package io.jetway.jobs;

import io.jetway.support.ConnectivityFailures;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.jetway.consumer.NonRetryableException;
import io.jetway.jobs.JobRepository.AttemptOutcome;
import io.jetway.jobs.JobRepository.ClaimedJob;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a transactional handler in a transaction that also applies its completion, fenced
 * on the attempt: a stale attempt's transaction rolls back. A failing handler (or a
 * timeout) rolls back too, and its failure is recorded like any other. While the
 * transaction cannot begin because the database cannot be reached, the handler has not
 * run: the attempt waits for the database (its message kept alive, its timeout not
 * started) instead of failing.
 */
final class TransactionalJobRunner {

	private static final Log logger = LogFactory.getLog(TransactionalJobRunner.class);

	private final @Nullable TransactionTemplate transactions;

	private final JobRepository repository;

	private final JobEvents events;

	private final Clock clock;

	private final BooleanSupplier running;

	private final Supplier<Exception> timeoutError;

	/**
	 * @param transactions the application's transactions, if it has any
	 * @param running whether the worker still runs (else an attempt waiting for the
	 * database hands its message back)
	 * @param timeoutError the failure of an attempt that timed out
	 */
	TransactionalJobRunner(@Nullable TransactionTemplate transactions, JobRepository repository, JobEvents events,
			Clock clock, BooleanSupplier running, Supplier<Exception> timeoutError) {
		this.transactions = transactions;
		this.repository = repository;
		this.events = events;
		this.clock = clock;
		this.running = running;
		this.timeoutError = timeoutError;
	}

	/**
	 * @return the attempt's outcome and what is left to do with it
	 * @throws Exception the handler's failure (its transaction rolled back)
	 */
	Run run(JobHandlerMethod handler, ClaimedJob job, JobAttempt attempt) throws Exception {
		TransactionTemplate transactions = this.transactions;
		if (transactions == null) {
			throw new NonRetryableException("Job type '" + job.type() + "' has a transactional @JobHandler ("
					+ handler.describe() + "), but the application has no transaction manager");
		}
		for (int unreachable = 1;; unreachable++) {
			Run run = tryInTransaction(transactions, handler, job, attempt);
			if (run != null) {
				return run;
			}
			Duration pause = JobCompletions.DATABASE_RETRY.delayAfter(unreachable);
			try {
				Thread.sleep(pause.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				logger.warn("Job " + job.id() + ": stopped while waiting for the database; its message is "
						+ "redelivered and the job runs again");
				return new Run(new AttemptOutcome(job.id(), job.attempt(), JobState.PENDING, null,
						"stopped while the database could not be reached", null), Ending.HAND_BACK);
			}
		}
	}

	/**
	 * @return how the run ended, or {@code null} when its transaction could not begin
	 * because the database cannot be reached and it is to be tried again
	 */
	private @Nullable Run tryInTransaction(TransactionTemplate transactions, JobHandlerMethod handler, ClaimedJob job,
			JobAttempt attempt) throws Exception {
		AttemptOutcome[] completed = new AttemptOutcome[1];
		boolean[] began = new boolean[1];
		try {
			transactions.executeWithoutResult((status) -> {
				began[0] = true;
				attempt.startClock();
				String result;
				try {
					result = handler.invoke(job.payload(),
							new RunningJobContext(job, this.repository, this.events, this.clock));
				}
				catch (Exception ex) {
					throw new HandlerFailure(ex);
				}
				if (attempt.timedOut()) {
					throw new HandlerFailure(this.timeoutError.get());
				}
				completed[0] = new AttemptOutcome(job.id(), job.attempt(), JobState.COMPLETED, result, null, null);
				boolean applied;
				try {
					applied = this.repository.finishInCurrentTransaction(completed[0], this.clock.instant());
				}
				catch (IllegalStateException ex) {
					throw new HandlerFailure(new NonRetryableException(ex.getMessage(), ex));
				}
				if (!applied) {
					throw new StaleAttempt();
				}
			});
			return new Run(completed[0], Ending.COMMITTED);
		}
		catch (HandlerFailure ex) {
			throw ex.failure;
		}
		catch (StaleAttempt ex) {
			return new Run(completed[0], Ending.STALE);
		}
		catch (RuntimeException ex) {
			if (!began[0]) {
				// the handler did not run
				if (this.running.getAsBoolean() && !Thread.currentThread().isInterrupted()
						&& ConnectivityFailures.isConnectivityFailure(ex)) {
					logger.warn("Job " + job.id() + ": could not begin the transaction of its transactional handler: "
							+ "the database cannot be reached (" + ex + "); attempt " + job.attempt()
							+ " waits for it");
					return null;
				}
				logger.warn("Job " + job.id() + ": could not begin the transaction of its transactional handler (" + ex
						+ "); its message is redelivered and the job runs again");
				return new Run(new AttemptOutcome(job.id(), job.attempt(), JobState.PENDING, null, ex.toString(), null),
						Ending.HAND_BACK);
			}
			if (completed[0] == null) {
				throw ex;
			}
			logger.warn("Job " + job.id() + ": the transaction of its transactional handler did not commit (" + ex
					+ "); its effects are rolled back, its message is redelivered and the job runs again");
			return new Run(completed[0], Ending.HAND_BACK);
		}
	}

	/** What is left to do with an attempt's outcome once the handler returned. */
	enum Ending {

		/** Record it (the completions commit it, then settle the message). */
		SUBMIT,

		/** Committed with the handler's transaction: settle the message. */
		COMMITTED,

		/** The job was given to a newer attempt: report it, leave the message. */
		STALE,

		/** Nothing was recorded (the database failed): the message comes back. */
		HAND_BACK

	}

	/** How a transactional run ended. */
	record Run(AttemptOutcome outcome, Ending ending) {
	}

	/** Rolls a transactional handler's transaction back for its failure. */
	private static final class HandlerFailure extends RuntimeException {

		private final Exception failure;

		private HandlerFailure(Exception failure) {
			super(failure.getMessage(), null, false, false);
			this.failure = failure;
		}

	}

	/** Rolls a stale attempt's transaction back. */
	private static final class StaleAttempt extends RuntimeException {

		private StaleAttempt() {
			super("stale attempt", null, false, false);
		}

	}

}
