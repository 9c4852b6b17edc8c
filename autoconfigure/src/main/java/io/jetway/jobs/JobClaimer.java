package io.jetway.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.jetway.jobs.JobRepository.ClaimedJob;
import io.nats.client.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Claims the jobs of a fetched batch in one statement (each job with its next attempt
 * number) and settles the messages that will not run here, each freeing its slot.
 */
final class JobClaimer {

	private static final Log logger = LogFactory.getLog(JobClaimer.class);

	/** How soon a message handed back without running comes again. */
	static final Duration RETRY_DELAY = Duration.ofSeconds(1);

	/**
	 * How many times a message whose job has no row is delivered before it is dropped: a
	 * row committed a moment after its message was sent (a job enqueued after a commit)
	 * is not visible at once, and a message dropped for it would lose the job.
	 */
	static final int MISSING_ROW_DELIVERIES = 10;

	private final String queue;

	private final JobRepository repository;

	private final JobEvents events;

	private final Clock clock;

	private final JobMessageIds ids;

	private final JobSlots slots;

	JobClaimer(String queue, JobRepository repository, JobEvents events, Clock clock, JobMessageIds ids,
			JobSlots slots) {
		this.queue = queue;
		this.repository = repository;
		this.events = events;
		this.clock = clock;
		this.ids = ids;
		this.slots = slots;
	}

	/**
	 * Claims the jobs of {@code messages} and hands each claimed one to {@code start},
	 * which then holds its slot.
	 * @throws RuntimeException when the claim failed; the messages are handed back
	 */
	void claim(List<Message> messages, BiConsumer<ClaimedJob, Message> start) {
		Map<UUID, Message> byJob = new LinkedHashMap<>();
		Map<UUID, Long> sequences = new LinkedHashMap<>();
		for (Message message : messages) {
			UUID id = this.ids.jobId(message);
			if (id == null) {
				settle(message, Message::term);
			}
			else if (byJob.containsKey(id)) {
				// two messages of one job in one batch: the claim decides with the first,
				// the other comes back shortly and is decided then
				settle(message, (later) -> later.nakWithDelay(RETRY_DELAY));
			}
			else {
				long sequence;
				try {
					sequence = message.metaData().streamSequence();
				}
				catch (RuntimeException ex) {
					logger.error("Job queue " + this.queue + ": a message on " + message.getSubject() + " has no "
							+ "JetStream metadata (" + ex + "); terminating it");
					settle(message, Message::term);
					continue;
				}
				byJob.put(id, message);
				sequences.put(id, sequence);
			}
		}
		List<ClaimedJob> claimed;
		try {
			claimed = this.repository.claim(sequences, this.clock.instant());
		}
		catch (RuntimeException ex) {
			// handed back at once: their slots are free again and the fetch loop backs
			// off
			byJob.values().forEach((message) -> settle(message, (back) -> back.nakWithDelay(RETRY_DELAY)));
			throw ex;
		}
		Set<UUID> known = new HashSet<>();
		for (ClaimedJob job : claimed) {
			known.add(job.id());
			Message message = byJob.get(job.id());
			if (job.claimed()) {
				start.accept(job, message);
			}
			else {
				settle(message, (unclaimed) -> settleUnclaimed(job, unclaimed, sequences.get(job.id())));
			}
		}
		byJob.forEach((id, message) -> {
			if (!known.contains(id)) {
				settle(message, (unknown) -> settleWithoutRow(id, unknown));
			}
		});
	}

	/**
	 * A message whose job has no row: asked again a little later, as its row may not be
	 * committed yet; after {@link #MISSING_ROW_DELIVERIES} deliveries it is dropped.
	 */
	private void settleWithoutRow(UUID id, Message message) {
		long delivered = message.metaData().deliveredCount();
		if (delivered < MISSING_ROW_DELIVERIES) {
			logger.debug("Job queue " + this.queue + ": message for job " + id + " has no row in jetway_jobs yet "
					+ "(delivery " + delivered + " of " + MISSING_ROW_DELIVERIES + "); asking again in "
					+ RETRY_DELAY.toSeconds() + " s");
			message.nakWithDelay(RETRY_DELAY);
		}
		else {
			logger.warn("Job queue " + this.queue + ": message for job " + id + " still has no row in jetway_jobs "
					+ "after " + delivered + " deliveries (its enqueue was rolled back or the row deleted); "
					+ "dropping it");
			message.term();
		}
	}

	/**
	 * Settles a message that will not run here and frees its slot, whatever happens.
	 */
	void settle(Message message, Consumer<Message> action) {
		try {
			action.accept(message);
		}
		catch (RuntimeException ex) {
			logger.debug("Job queue " + this.queue + ": could not settle a message (" + ex + "); the server "
					+ "redelivers it after the ack wait");
		}
		finally {
			this.slots.release(1);
		}
	}

	/**
	 * A job the claim did not take:
	 * <ul>
	 * <li>it ended (or was cancelled): its message is done;</li>
	 * <li>this redelivery found its last allowed attempt abandoned, and the claim failed
	 * it: its message is done;</li>
	 * <li>it runs, claimed by another message of it: this message is a second copy, which
	 * that attempt does not need;</li>
	 * <li>it runs, claimed by this very message after all (its redelivery went to another
	 * worker while this claim was under way): left alone, that worker settles it;</li>
	 * <li>it is not due yet (a retry's backoff, or a clock a little behind): back when it
	 * is.</li>
	 * </ul>
	 */
	private void settleUnclaimed(ClaimedJob job, Message message, long sequence) {
		if (job.state() == JobState.RUNNING) {
			if (job.claimSeq() != null && job.claimSeq() == sequence) {
				return;
			}
			logger.debug("Job " + job.id() + ": another copy of its message arrived while attempt " + job.attempt()
					+ " runs; acknowledging the copy");
			message.ack();
		}
		else if (job.abandoned()) {
			// this redelivery found the last allowed attempt abandoned: the claim failed
			// the job
			String error = JobRepository.abandonedError(job.attempt(), job.maxAttempts());
			logger.warn("Job " + job.id() + " (" + job.type() + ") failed: " + error);
			message.ack();
			this.events.transition(job.id(), job.type(), job.queue(), JobState.FAILED, job.attempt(), error,
					job.meta());
		}
		else if (job.state().isFinal()) {
			message.ack();
		}
		else {
			Instant now = this.clock.instant();
			Duration untilDue = (job.runAt() != null && job.runAt().isAfter(now)) ? Duration.between(now, job.runAt())
					: Duration.ZERO;
			message.nakWithDelay(
					JobQueueConsumers.nakDelayNanos(untilDue.compareTo(RETRY_DELAY) > 0 ? untilDue : RETRY_DELAY));
		}
	}

}
