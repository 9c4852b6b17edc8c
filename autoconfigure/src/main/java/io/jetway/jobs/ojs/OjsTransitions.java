package io.jetway.jobs.ojs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import java.util.UUID;
import java.util.function.Consumer;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobEvents;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the lifecycle events ({@code jetway.jobs.events.<state>}) of the transitions
 * OJS makes (claim, ACK, FAIL, an expired lease, CANCEL), which Jetway's in-process
 * workers publish for their own jobs: a consumer of the events, and the events endpoint,
 * see every job alike.
 */
class OjsTransitions {

	private static final Logger logger = LoggerFactory.getLogger(OjsTransitions.class);

	private final JobClient jobs;

	private final JobEvents events;

	private final Clock clock;

	OjsTransitions(JobClient jobs, JobEvents events, Clock clock) {
		this.jobs = jobs;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * Publishes the job's state, read after the transition committed; a failure to read
	 * it loses the event (events are best effort) and never fails the committed call.
	 * @param error the failure of a failed or retried attempt, as JSON
	 */
	void published(UUID jobId, @Nullable String error) {
		publishedAsRead(jobId, (job) -> published(job, error));
	}

	private void publishedAsRead(UUID jobId, Consumer<JobStatus> publish) {
		try {
			this.jobs.status(jobId).ifPresent(publish);
		}
		catch (RuntimeException ex) {
			logger.debug("No event for job {}: its state could not be read ({})", jobId, ex.toString());
		}
	}

	/**
	 * Publishes the job's state as read after the transition committed.
	 * @param error the failure of a failed or retried attempt, as JSON
	 */
	void published(JobStatus job, @Nullable String error) {
		this.events.transition(job.id(), job.type(), job.queue(), job.status(), job.attempts(), error, job.meta(),
				attemptDuration(job));
	}

	/**
	 * @return how long the attempt that just ended ran, or {@code null} when none ended
	 */
	private @Nullable Duration attemptDuration(JobStatus job) {
		boolean ended = job.status().isFinal() || (job.status() == JobState.PENDING && job.attempts() > 0);
		if (!ended || job.startedAt() == null) {
			return null;
		}
		Instant end = (job.completedAt() != null) ? job.completedAt() : this.clock.instant();
		return end.isBefore(job.startedAt()) ? Duration.ZERO : Duration.between(job.startedAt(), end);
	}

}
