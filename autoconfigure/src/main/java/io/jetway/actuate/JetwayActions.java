package io.jetway.actuate;

import java.util.List;
import java.util.UUID;
import java.util.function.IntSupplier;

import io.jetway.consumer.DeadLetter;
import io.jetway.consumer.DeadLetters;
import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.consumer.ListenerContainer;
import io.jetway.jobs.JobClient;
import io.jetway.outbox.OutboxOperations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The write side of the {@code jetway} endpoint: each action on the operations classes
 * Jetway already has ({@link ListenerContainer}, {@link JobClient}, {@link DeadLetters},
 * {@link OutboxOperations}), answered with what it changed. An action on a part the
 * application does not use is refused with {@link UnavailableException}. The endpoint and
 * the dashboard both act through it, and log each action with {@link #audited}.
 */
public class JetwayActions {

	/** Dead letters republished by one call when the caller gives no limit. */
	public static final int DEFAULT_REPUBLISH_LIMIT = 100;

	/** The most dead letters one call republishes. */
	public static final int MAX_REPUBLISH_LIMIT = 10_000;

	private final @Nullable JetStreamListenerRegistry listeners;

	private final @Nullable JobClient jobs;

	private final @Nullable DeadLetters deadLetters;

	private final @Nullable OutboxOperations outbox;

	public JetwayActions(@Nullable JetStreamListenerRegistry listeners, @Nullable JobClient jobs,
			@Nullable DeadLetters deadLetters, @Nullable OutboxOperations outbox) {
		this.listeners = listeners;
		this.jobs = jobs;
		this.deadLetters = deadLetters;
		this.outbox = outbox;
	}

	/**
	 * Runs an action named as in the endpoint's and the dashboard's paths:
	 * {@code listeners/<consumer>/pause|resume}, {@code queues/<queue>/pause|resume},
	 * {@code jobs/<id>/retry|run-now|cancel},
	 * {@code dead-letters/<sequence>/republish|discard},
	 * {@code consumers/<consumer>/republish-dead-letters}, {@code outbox/<id>/republish}
	 * ({@code outbox/failed/republish} for every failed row).
	 * @param target what kind of thing
	 * @param name which one
	 * @param action what to do
	 * @param limit the most dead letters to republish, or {@code null} for
	 * {@link #DEFAULT_REPUBLISH_LIMIT}
	 * @return what it changed
	 * @throws IllegalArgumentException for an unknown action or a malformed name
	 * @throws UnavailableException for a part the application does not use
	 */
	public int act(String target, String name, String action, @Nullable Integer limit) {
		return switch (target + "/" + action) {
			case "listeners/pause", "listeners/resume" -> pauseListener(name, action.equals("pause"));
			case "queues/pause", "queues/resume" -> pauseQueue(name, action.equals("pause"));
			case "jobs/retry" -> retryJob(uuid(name));
			case "jobs/run-now" -> runJobNow(uuid(name));
			case "jobs/cancel" -> cancelJob(uuid(name));
			case "dead-letters/republish" -> republishDeadLetter(sequence(name));
			case "dead-letters/discard" -> discardDeadLetter(sequence(name));
			case "consumers/republish-dead-letters" ->
				republishDeadLetters(name, (limit != null) ? limit : DEFAULT_REPUBLISH_LIMIT);
			case "outbox/republish" ->
				name.equals("failed") ? republishFailedOutboxRows() : republishOutboxRow(uuid(name));
			default -> throw new IllegalArgumentException("there is no action '" + action + "' on '" + target
					+ "'; see docs/operations.md, \"Health and the jetway endpoint\"");
		};
	}

	private static UUID uuid(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'" + id + "' is not a UUID");
		}
	}

	private static long sequence(String sequence) {
		try {
			return Long.parseLong(sequence);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + sequence + "' is not a dead-letter sequence number");
		}
	}

	/**
	 * @param consumer the listener's consumer name
	 * @param pause pause when true, resume when false
	 * @return 1 when the listener exists (its state is now as asked), 0 when it does not
	 */
	public int pauseListener(String consumer, boolean pause) {
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
	public int pauseQueue(String queue, boolean pause) {
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
	public int retryJob(UUID id) {
		return jobs().retry(id) ? 1 : 0;
	}

	/**
	 * @return 1 when the job was scheduled or pending and is now cancelled, else 0
	 */
	public int cancelJob(UUID id) {
		return jobs().cancel(id) ? 1 : 0;
	}

	/**
	 * @return 1 when the job was scheduled and is now pending, else 0
	 */
	public int runJobNow(UUID id) {
		return jobs().runNow(id) ? 1 : 0;
	}

	/**
	 * @param sequence the dead letter's sequence in the dead-letter stream
	 * @return 1 when it existed and was deleted without republishing, else 0
	 */
	public int discardDeadLetter(long sequence) {
		return deadLetters().discard(sequence) ? 1 : 0;
	}

	/**
	 * @param sequence the dead letter's sequence in the dead-letter stream
	 * @return 1 when it existed and was republished, else 0
	 */
	public int republishDeadLetter(long sequence) {
		return deadLetters().republish(sequence) ? 1 : 0;
	}

	/**
	 * Republishes the oldest dead letters of one consumer, at most {@code limit}.
	 * @return how many were republished
	 */
	public int republishDeadLetters(String consumer, int limit) {
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
	public int republishOutboxRow(UUID id) {
		return outbox().republish(id) ? 1 : 0;
	}

	/**
	 * @return how many failed outbox rows are pending again
	 */
	public int republishFailedOutboxRows() {
		return outbox().republishAllFailed();
	}

	/**
	 * Runs an action and logs at INFO, with the given log, who asked for what and the
	 * result: changed, refused (an {@link IllegalArgumentException} or
	 * {@link UnavailableException}, rethrown) or failed (rethrown).
	 * @param log the log of the caller ({@code JetwayEndpoint}, the dashboard)
	 * @param via names the caller in the line ("Jetway endpoint")
	 * @param who the principal's name, or {@code null} when unauthenticated
	 * @param request what was asked, such as {@code retry jobs/<id>}
	 * @param action the action
	 * @return what it changed
	 */
	public int audited(Log log, String via, @Nullable String who, String request, IntSupplier action) {
		// path variables and form fields are decoded: no line of the audit log may be
		// forged through them
		String what = request.replaceAll("\\p{Cntrl}", "?");
		String asker = (who != null) ? who.replaceAll("\\p{Cntrl}", "?") : "an unauthenticated caller";
		try {
			int changed = action.getAsInt();
			log.info(via + ": " + asker + " asked to " + what + ": " + changed + " changed");
			return changed;
		}
		catch (IllegalArgumentException | UnavailableException ex) {
			log.info(via + ": " + asker + " asked to " + what + ": refused, " + ex.getMessage());
			throw ex;
		}
		catch (RuntimeException ex) {
			log.info(via + ": " + asker + " asked to " + what + ": failed, " + ex);
			throw ex;
		}
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
	public static final class UnavailableException extends RuntimeException {

		public UnavailableException(String message) {
			super(message);
		}

	}

}
