package io.jetway.actuate;

import java.util.List;
import java.util.UUID;

import io.jetway.consumer.DeadLetter;
import io.jetway.consumer.DeadLetters;
import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.consumer.ListenerContainer;
import io.jetway.jobs.JobClient;
import io.jetway.outbox.OutboxOperations;
import org.jspecify.annotations.Nullable;

/**
 * The write side of the {@code jetway} endpoint: each action on the operations classes
 * Jetway already has ({@link ListenerContainer}, {@link JobClient}, {@link DeadLetters},
 * {@link OutboxOperations}), answered with what it changed. An action on a part the
 * application does not use is refused with {@link UnavailableException}.
 */
class JetwayActions {

	/** Dead letters republished by one call when the caller gives no limit. */
	static final int DEFAULT_REPUBLISH_LIMIT = 100;

	/** The most dead letters one call republishes. */
	static final int MAX_REPUBLISH_LIMIT = 10_000;

	private final @Nullable JetStreamListenerRegistry listeners;

	private final @Nullable JobClient jobs;

	private final @Nullable DeadLetters deadLetters;

	private final @Nullable OutboxOperations outbox;

	JetwayActions(@Nullable JetStreamListenerRegistry listeners, @Nullable JobClient jobs,
			@Nullable DeadLetters deadLetters, @Nullable OutboxOperations outbox) {
		this.listeners = listeners;
		this.jobs = jobs;
		this.deadLetters = deadLetters;
		this.outbox = outbox;
	}

	/**
	 * @param consumer the listener's consumer name
	 * @param pause pause when true, resume when false
	 * @return 1 when the listener exists (its state is now as asked), 0 when it does not
	 */
	int pauseListener(String consumer, boolean pause) {
		if (this.listeners == null) {
			throw new UnavailableException("the application has no @JetStreamListener");
		}
		ListenerContainer container = this.listeners.getContainer(consumer);
		if (container == null) {
			return 0;
		}
		if (pause) {
			container.pause();
		}
		else {
			container.resume();
		}
		return 1;
	}

	/**
	 * @param queue the job queue
	 * @param pause pause when true, resume when false
	 * @return 1 (a queue is paused by name, on every instance)
	 */
	int pauseQueue(String queue, boolean pause) {
		JobClient client = jobs();
		if (pause) {
			client.pause(queue);
		}
		else {
			client.resume(queue);
		}
		return 1;
	}

	/**
	 * @return 1 when the job was failed and is now pending, else 0
	 */
	int retryJob(UUID id) {
		return jobs().retry(id) ? 1 : 0;
	}

	/**
	 * @return 1 when the job was scheduled or pending and is now cancelled, else 0
	 */
	int cancelJob(UUID id) {
		return jobs().cancel(id) ? 1 : 0;
	}

	/**
	 * @param sequence the dead letter's sequence in the dead-letter stream
	 * @return 1 when it existed and was republished, else 0
	 */
	int republishDeadLetter(long sequence) {
		return deadLetters().republish(sequence) ? 1 : 0;
	}

	/**
	 * Republishes the oldest dead letters of one consumer, at most {@code limit}.
	 * @return how many were republished
	 */
	int republishDeadLetters(String consumer, int limit) {
		if (limit < 1 || limit > MAX_REPUBLISH_LIMIT) {
			throw new IllegalArgumentException(
					"limit is " + limit + "; give a number from 1 to " + MAX_REPUBLISH_LIMIT);
		}
		DeadLetters letters = deadLetters();
		List<DeadLetter> found = letters.list((deadLetter) -> deadLetter.consumer().equals(consumer), limit);
		int republished = 0;
		for (DeadLetter deadLetter : found) {
			if (letters.republish(deadLetter.sequence())) {
				republished++;
			}
		}
		return republished;
	}

	/**
	 * @param id a failed outbox row's id
	 * @return 1 when a failed row with that id existed and is pending again, else 0
	 */
	int republishOutboxRow(UUID id) {
		return outbox().republish(id) ? 1 : 0;
	}

	/**
	 * @return how many failed outbox rows are pending again
	 */
	int republishFailedOutboxRows() {
		return outbox().republishAllFailed();
	}

	private JobClient jobs() {
		if (this.jobs == null) {
			throw new UnavailableException("the application has no jobs (no JobClient bean)");
		}
		return this.jobs;
	}

	private DeadLetters deadLetters() {
		if (this.deadLetters == null) {
			throw new UnavailableException("the application has no dead-letter stream (no DeadLetters bean)");
		}
		return this.deadLetters;
	}

	private OutboxOperations outbox() {
		if (this.outbox == null) {
			throw new UnavailableException("the application has no outbox (no OutboxOperations bean)");
		}
		return this.outbox;
	}

	/**
	 * The action needs a part of Jetway the application does not use.
	 */
	static final class UnavailableException extends RuntimeException {

		UnavailableException(String message) {
			super(message);
		}

	}

}
