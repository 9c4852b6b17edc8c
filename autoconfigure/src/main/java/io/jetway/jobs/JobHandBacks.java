package io.jetway.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.jetway.jobs.JobRepository.Attempt;
import io.nats.client.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Hands back the messages of claimed jobs whose attempt is not to count: jobs that never
 * got a thread before a stop, handlers interrupted by a stop, transactions the database
 * failed, outcomes that could not be stored. Their claims are first taken back in one
 * fenced statement ({@link JobRepository#unclaim}), so that the redelivery claims each
 * job as a fresh attempt of the same number rather than as a take-over: a shutdown or an
 * infrastructure failure spends no attempt. When the database cannot take the claims back
 * (it is unreachable), the messages are handed back all the same, and their redeliveries
 * take the jobs over as new attempts (the one window where a stop or an outage spends an
 * attempt).
 */
final class JobHandBacks {

	private static final Log logger = LogFactory.getLog(JobHandBacks.class);

	private final JobRepository repository;

	private final Clock clock;

	JobHandBacks(JobRepository repository, Clock clock) {
		this.repository = repository;
		this.clock = clock;
	}

	/**
	 * Takes the claims back, then redelivers the messages after {@code delay}.
	 */
	void handBack(List<HandedBack> jobs, Duration delay) {
		if (jobs.isEmpty()) {
			return;
		}
		try {
			this.repository.unclaim(jobs.stream().map((job) -> new Attempt(job.id(), job.attempt())).toList(),
					this.clock.instant());
		}
		catch (RuntimeException ex) {
			logger.warn("Could not take back the claims of " + jobs.size() + " handed back jobs (" + ex
					+ "); their redeliveries take them over, each as a new attempt");
		}
		for (HandedBack job : jobs) {
			try {
				if (delay.isZero()) {
					job.message().nak();
				}
				else {
					job.message().nakWithDelay(delay);
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Job " + job.id() + ": could not hand its message back (" + ex + "); the server "
						+ "redelivers it after the ack wait");
			}
		}
	}

	/** A claimed job whose message is handed back. */
	record HandedBack(UUID id, int attempt, Message message) {
	}

}
