package io.jetway.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

import io.jetway.consumer.InFlightMessages;
import io.jetway.consumer.NonRetryableException;
import io.jetway.observation.DefaultJobObservationConvention;
import io.jetway.observation.JetwayMdc;
import io.jetway.observation.JetwayObservationDocumentation;
import io.jetway.observation.JobObservationContext;
import io.jetway.jobs.JobCompletions.Finished;
import io.jetway.jobs.JobHandBacks.HandedBack;
import io.jetway.jobs.JobRepository.AttemptOutcome;
import io.jetway.jobs.JobRepository.ClaimedJob;
import io.jetway.jobs.JobsProperties.QueueProperties;
import io.jetway.jobs.TransactionalJobRunner.Ending;
import io.jetway.support.Backoff;
import io.micrometer.observation.Observation;
import io.nats.client.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs one attempt of a claimed job on the calling pool thread: its handler, with the
 * queue's timeout (see {@link JobAttempt}), in a transaction for a transactional handler
 * (see {@link TransactionalJobRunner}); then frees its slot and hands the outcome to
 * {@link JobCompletions}, keeping the message alive until the outcome is stored. A
 * handler that fails after the worker's stop interrupted it (not its timeout) has its
 * message handed back with its claim taken back ({@link JobHandBacks}): the stop spends
 * no attempt.
 */
final class JobAttemptRunner {

	private static final Log logger = LogFactory.getLog(JobAttemptRunner.class);

	private static final Duration HAND_BACK_DELAY = Duration.ofSeconds(1);

	private final String queue;

	private final QueueProperties properties;

	private final Backoff backoff;

	private final JobHandlers handlers;

	private final JobRepository repository;

	private final JobCompletions completions;

	private final JobEvents events;

	private final Clock clock;

	private final InFlightMessages inFlight;

	private final JobSlots slots;

	private final JobThreadPool pool;

	private final ScheduledExecutorService timers;

	private final TransactionalJobRunner transactional;

	private final JobHandBacks handBacks;

	private final JobWorker.Observations observations;

	JobAttemptRunner(String queue, QueueProperties properties, Backoff backoff, JobHandlers handlers,
			JobRepository repository, JobCompletions completions, JobEvents events, Clock clock,
			InFlightMessages inFlight, JobSlots slots, JobThreadPool pool, ScheduledExecutorService timers,
			TransactionalJobRunner transactional, JobHandBacks handBacks, JobWorker.Observations observations) {
		this.observations = observations;
		this.handBacks = handBacks;
		this.queue = queue;
		this.properties = properties;
		this.backoff = backoff;
		this.handlers = handlers;
		this.repository = repository;
		this.completions = completions;
		this.events = events;
		this.clock = clock;
		this.inFlight = inFlight;
		this.slots = slots;
		this.pool = pool;
		this.timers = timers;
		this.transactional = transactional;
	}

	/**
	 * Runs the attempt as a {@code jetway.job} observation that continues the trace
	 * stored with the job, with the job id in the MDC ({@value JetwayMdc#JOB_ID}).
	 */
	void run(ClaimedJob job, Message message) {
		Observation observation = JetwayObservationDocumentation.JOB.observation(this.observations.convention(),
				DefaultJobObservationConvention.INSTANCE,
				() -> new JobObservationContext(job.id(), job.type(), job.queue(), job.attempt(), job.traceparent()),
				this.observations.registry());
		observation.start();
		try (Observation.Scope scope = observation.openScope();
				JetwayMdc.Entry mdc = JetwayMdc.put(JetwayMdc.JOB_ID, job.id().toString())) {
			Throwable failure = runObserved(job, message);
			if (failure != null) {
				observation.error(failure);
			}
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * @return why the attempt failed, if it did
	 */
	private @Nullable Throwable runObserved(ClaimedJob job, Message message) {
		// here rather than on the fetch thread, which claims the next batch meanwhile
		this.events.transition(job.id(), job.type(), job.queue(), JobState.RUNNING, job.attempt(), null, job.meta());
		long start = System.nanoTime();
		JobAttempt attempt = new JobAttempt(job, message, this.queue, this.properties, this.timers, this.inFlight,
				this.slots, this.pool);
		AttemptOutcome outcome;
		Ending ending = Ending.SUBMIT;
		Exception caught = null;
		try {
			JobHandlerMethod handler = this.handlers.get(job.type());
			if (handler == null) {
				throw new NonRetryableException("No @JobHandler handles job type '" + job.type() + "' in this "
						+ "application (known: " + this.handlers.types() + ")");
			}
			if (handler.transactional()) {
				TransactionalJobRunner.Run run = this.transactional.run(handler, job, attempt);
				outcome = run.outcome();
				ending = run.ending();
			}
			else {
				attempt.startClock();
				String result = handler.invoke(job.payload(),
						new RunningJobContext(job, this.repository, this.events, this.clock));
				outcome = attempt.timedOut() ? failure(job, timeoutError())
						: new AttemptOutcome(job.id(), job.attempt(), JobState.COMPLETED, result, null, null);
			}
		}
		catch (Exception ex) {
			caught = ex;
			if (!attempt.timedOut() && this.pool.interruptedByStop()) {
				// the stop's interrupt, not the handler's failure: the attempt does not
				// count
				logger.warn("Job " + job.id() + " (" + job.type() + ") attempt " + job.attempt() + " was interrupted "
						+ "by the shutdown (" + ex + "); its message is handed back and the attempt runs again");
				outcome = new AttemptOutcome(job.id(), job.attempt(), JobState.PENDING, null, ex.toString(), null);
				ending = Ending.HAND_BACK;
			}
			else {
				outcome = failure(job, attempt.timedOut() ? timeoutError() : ex);
			}
		}
		finally {
			boolean holdsSlot = attempt.finish();
			// clear an interrupt of the timeout so that it does not hit the next job
			Thread.interrupted();
			// kept alive until its outcome is stored, however long the database is away
			// (back after a timeout stopped it: the handler returned after all)
			this.inFlight.add(message);
			if (holdsSlot) {
				this.slots.finished(System.nanoTime() - start);
			}
		}
		Finished finished = new Finished(outcome, message, job.type(), job.queue(), job.meta(),
				Duration.ofNanos(System.nanoTime() - start), () -> this.inFlight.remove(message));
		switch (ending) {
			case SUBMIT -> this.completions.submit(finished);
			case COMMITTED -> this.completions.settle(finished, this.clock.instant());
			case STALE -> this.completions.stale(finished);
			case HAND_BACK -> {
				this.inFlight.remove(message);
				this.handBacks.handBack(List.of(new HandedBack(job.id(), job.attempt(), message)), HAND_BACK_DELAY);
			}
		}
		if (ending == Ending.HAND_BACK || outcome.state() == JobState.COMPLETED) {
			return null;
		}
		return (caught != null) ? caught : new IllegalStateException(String.valueOf(outcome.error()));
	}

	Exception timeoutError() {
		return JobTimeoutException.after(this.properties.getTimeout(), this.queue);
	}

	private AttemptOutcome failure(ClaimedJob job, Exception failure) {
		String error = failure.getClass().getName() + ": " + failure.getMessage();
		boolean retry = !(failure instanceof NonRetryableException) && job.attempt() < job.maxAttempts();
		logger.warn("Job " + job.id() + " (" + job.type() + ") attempt " + job.attempt() + " of " + job.maxAttempts()
				+ " failed" + (retry ? ", retrying" : ", giving up") + ": " + error);
		if (retry) {
			return new AttemptOutcome(job.id(), job.attempt(), JobState.PENDING, null, error,
					this.clock.instant().plus(this.backoff.delayAfter(job.attempt())));
		}
		return new AttemptOutcome(job.id(), job.attempt(), JobState.FAILED, null, error, null);
	}

}
