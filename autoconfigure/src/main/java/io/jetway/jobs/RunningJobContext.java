package io.jetway.jobs;

import io.jetway.support.ConnectivityFailures;
import java.time.Clock;
import java.util.UUID;

import io.jetway.jobs.JobRepository.ClaimedJob;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The {@link JobContext} of a running attempt: its progress is stored for that attempt
 * only. Progress that cannot be stored because the database cannot be reached is skipped
 * (WARN): the outage does not fail the attempt.
 */
final class RunningJobContext implements JobContext {

	private static final Log logger = LogFactory.getLog(RunningJobContext.class);

	private final ClaimedJob job;

	private final JobRepository repository;

	private final JobEvents events;

	private final Clock clock;

	RunningJobContext(ClaimedJob job, JobRepository repository, JobEvents events, Clock clock) {
		this.job = job;
		this.repository = repository;
		this.events = events;
		this.clock = clock;
	}

	@Override
	public UUID id() {
		return this.job.id();
	}

	@Override
	public String type() {
		return this.job.type();
	}

	@Override
	public String queue() {
		return this.job.queue();
	}

	@Override
	public int attempt() {
		return this.job.attempt();
	}

	@Override
	public @Nullable String meta() {
		return this.job.meta();
	}

	@Override
	public void progress(double fraction, String message) {
		double bounded = Math.max(0, Math.min(1, fraction));
		try {
			this.repository.updateProgress(this.job.id(), this.job.attempt(), bounded, message, this.clock.instant());
		}
		catch (RuntimeException ex) {
			if (!ConnectivityFailures.isConnectivityFailure(ex)) {
				throw ex;
			}
			// an outage is not the handler's failure: a later progress or the outcome
			// overwrites this one anyway
			logger.warn("Job " + this.job.id() + ": could not store its progress, the database cannot be reached (" + ex
					+ "); the attempt goes on");
		}
		this.events.progress(this.job.id(), bounded, message);
	}

}
