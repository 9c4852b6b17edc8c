package io.jetway.jobs;

import java.time.Clock;
import java.util.UUID;

import io.jetway.jobs.JobRepository.ClaimedJob;

/**
 * The {@link JobContext} of a running attempt: its progress is stored for that attempt
 * only.
 */
final class RunningJobContext implements JobContext {

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
	public void progress(double fraction, String message) {
		double bounded = Math.max(0, Math.min(1, fraction));
		this.repository.updateProgress(this.job.id(), this.job.attempt(), bounded, message, this.clock.instant());
		this.events.progress(this.job.id(), bounded, message);
	}

}
