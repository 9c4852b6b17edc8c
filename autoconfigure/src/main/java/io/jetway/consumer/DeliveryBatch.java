package io.jetway.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.nats.client.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The messages one worker handles together: one, or the whole fetch in per-batch mode.
 * Each message is settled once: by the worker, or, when its handler ignored the timeout's
 * interrupt, by {@link ListenerContainer}'s watchdog.
 */
final class DeliveryBatch implements Runnable {

	private static final Log logger = LogFactory.getLog(DeliveryBatch.class);

	/**
	 * When a message beyond max-deliver whose inbox row cannot be read is tried again.
	 */
	private static final Duration EXHAUSTED_RETRY_DELAY = Duration.ofSeconds(5);

	/**
	 * How often a batch holding the messages of a hung handler looks whether it returned.
	 */
	private static final long HUNG_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	/** What the batches of one container share. */
	private final BatchServices services;

	/** The run the batch belongs to: its pool, permits and outage. */
	private final ContainerRun run;

	private final List<Message> messages;

	private final int permits;

	/**
	 * For a batch holding the messages of one given up on while the database did not
	 * answer, the message whose handler was given up on; see {@link #attempt}.
	 */
	private final @Nullable Message heldFor;

	/**
	 * When the database first answered while {@link #heldFor}'s handler still ran; used
	 * by the batch's worker only.
	 */
	private long answeredNanos;

	private boolean answered;

	/** Messages not settled yet. */
	private final Set<Message> unsettled;

	private boolean abandoned;

	/** The message whose handler was given up on. */
	private volatile @Nullable Message hung;

	/** A worker thread was added in place of this batch's hung one. */
	private boolean replaced;

	/** Its worker is done with it: too late to give up on it. */
	private boolean finished;

	private boolean released;

	DeliveryBatch(BatchServices services, ContainerRun run, List<Message> messages, int permits,
			@Nullable Message heldFor) {
		this.services = services;
		this.run = run;
		this.messages = messages;
		this.permits = permits;
		this.heldFor = heldFor;
		this.unsettled = new LinkedHashSet<>(messages);
	}

	@Override
	public void run() {
		Thread thread = Thread.currentThread();
		this.services.runningBatches().put(thread, this);
		try {
			process();
		}
		catch (RuntimeException ex) {
			logger.warn("Consumer " + this.services.name() + ": processing failed (" + ex
					+ "); the messages are redelivered", ex);
			for (Message message : this.messages) {
				settleOnce(message, DeliveryBatch::nakQuietly);
			}
		}
		finally {
			this.services.runningBatches().remove(thread, this);
			boolean wasAbandoned;
			synchronized (this) {
				this.finished = true;
				wasAbandoned = this.abandoned;
			}
			this.services.watchdog().batchEnded(thread);
			if (wasAbandoned) {
				// clear the interrupt of the timeout before the thread leaves
				Thread.interrupted();
				if (this.replaced) {
					this.run.removeWorker();
				}
				Message hungMessage = this.hung;
				if (hungMessage != null) {
					this.services.stillRunning().remove(hungMessage.metaData().streamSequence());
				}
			}
			release();
		}
	}

	private void process() {
		List<Message> pending = new ArrayList<>(this.messages.size());
		for (Message message : this.messages) {
			if (this.services.settler().isExhausted(message)) {
				settleExhausted(message);
			}
			else if (this.heldFor == null
					&& this.services.stillRunning().contains(message.metaData().streamSequence())) {
				failStillRunning(message);
			}
			else {
				pending.add(message);
			}
		}
		InfrastructureOutage outage = this.run.outage();
		int attempts = 0;
		boolean recovered = false;
		try {
			while (!pending.isEmpty()) {
				List<DeliveryOutcome> outcomes = attempt(pending);
				if (outcomes == null) {
					// settled without processing: the database answers, or stopping
					recovered = this.run.isActive();
					return;
				}
				if (isAbandoned()) {
					// settled when it was given up on
					return;
				}
				List<Message> unavailable = new ArrayList<>();
				Throwable cause = null;
				for (int i = 0; i < pending.size(); i++) {
					Message message = pending.get(i);
					DeliveryOutcome outcome = outcomes.get(i);
					if (outcome.kind() == DeliveryOutcome.Kind.UNAVAILABLE) {
						unavailable.add(message);
						cause = outcome.failure();
					}
					else {
						settleOnce(message, (settled) -> this.services.settler().settle(settled, outcome));
					}
				}
				if (unavailable.isEmpty()) {
					recovered = true;
					return;
				}
				if (attempts == 0) {
					outage.enter();
				}
				attempts++;
				outage.unavailable((cause != null) ? cause : new IllegalStateException("unreachable"),
						this.services.inFlight().size());
				if (isAbandoned() || !this.run.waitUnlessStopped(outage.retryDelay(attempts))) {
					// stopping: handed back for another instance or the next start
					unavailable.forEach((message) -> settleOnce(message, DeliveryBatch::nakQuietly));
					return;
				}
				pending = unavailable;
			}
		}
		finally {
			if (attempts > 0) {
				outage.leave(recovered);
			}
		}
	}

	/**
	 * Processes {@code pending}, unless this batch holds the messages of one given up on
	 * whose hung handler still runs: processing would wait, without a timeout, for what
	 * that handler holds (its uncommitted inbox rows). Then, while the database does not
	 * answer, the messages are unavailable (held as in any outage); once it answers, the
	 * hung handler gets the watchdog's grace period, from that first answer, to return
	 * (its connection resumes or fails); if it still runs after it, its message fails as
	 * a redelivery to a hung handler's instance does, and the rest are handed back.
	 * @return an outcome per message, or {@code null} when they were settled here
	 */
	private @Nullable List<DeliveryOutcome> attempt(List<Message> pending) {
		Message hungMessage = this.heldFor;
		if (hungMessage != null && this.services.stillRunning().contains(hungMessage.metaData().streamSequence())) {
			if (!this.services.processor().databaseAnswers()) {
				DeliveryOutcome unavailable = DeliveryOutcome
					.unavailable(new IllegalStateException("the database does not answer, and the handler of message "
							+ MessageContext.messageId(hungMessage) + " given up on still runs"));
				return Collections.nCopies(pending.size(), unavailable);
			}
			if (!awaitHungHandler(hungMessage.metaData().streamSequence())) {
				boolean stopping = !this.run.isActive() || Thread.currentThread().isInterrupted();
				for (Message message : pending) {
					if (message == hungMessage && !stopping) {
						failStillRunning(message);
					}
					else {
						settleOnce(message, DeliveryBatch::nakQuietly);
					}
				}
				return null;
			}
		}
		long start = System.nanoTime();
		List<DeliveryOutcome> outcomes = this.services.processor().process(pending);
		this.services.observer()
			.handlerTime(this.services.name(), Duration.ofNanos(System.nanoTime() - start), pending.size());
		return outcomes;
	}

	/**
	 * Waits for the hung handler of the message with {@code sequence} to return, at most
	 * the watchdog's grace period from when the database first answered.
	 * @return whether it returned (not when the grace ran out or the run stopped)
	 */
	private boolean awaitHungHandler(long sequence) {
		if (!this.answered) {
			this.answered = true;
			this.answeredNanos = System.nanoTime();
		}
		long deadline = this.answeredNanos + this.services.watchdog().grace().toNanos();
		while (this.services.stillRunning().contains(sequence)) {
			long left = deadline - System.nanoTime();
			if (left <= 0 || !this.run.waitUnlessStopped(Duration.ofNanos(Math.min(left, HUNG_POLL_NANOS)))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Fails a message whose handler, given up on, still runs on this instance.
	 */
	private void failStillRunning(Message message) {
		HandlerTimeoutException timeout = new HandlerTimeoutException(this.services.name(),
				this.services.watchdog().timeout(),
				new IllegalStateException("the handler of its previous delivery still runs on this instance"));
		settleOnce(message, (settled) -> this.services.settler().settle(settled, DeliveryOutcome.failed(timeout)));
	}

	/**
	 * A message delivered beyond max-deliver: acknowledged if the inbox says it was
	 * processed (its ack was lost), otherwise dead-lettered without its handler.
	 */
	private void settleExhausted(Message message) {
		EarlierDeliveries earlier;
		try {
			earlier = this.services.processor().earlierDeliveries(message);
		}
		catch (RuntimeException ex) {
			logger.warn("Consumer " + this.services.name() + ": cannot tell whether message "
					+ MessageContext.messageId(message) + ", delivered beyond max-deliver, was processed (" + ex
					+ "); redelivering it in " + EXHAUSTED_RETRY_DELAY);
			settleOnce(message, (settled) -> settled.nakWithDelay(EXHAUSTED_RETRY_DELAY));
			return;
		}
		if (earlier.processed()) {
			settleOnce(message, (settled) -> this.services.settler().settle(settled, DeliveryOutcome.DUPLICATE));
		}
		else {
			settleOnce(message, (settled) -> this.services.settler().deadLetterExhausted(settled, earlier.lastError()));
		}
	}

	/** Never started (the pool stopped): handed back for redelivery. */
	void handBack() {
		for (Message message : this.messages) {
			settleOnce(message, DeliveryBatch::nakQuietly);
		}
		release();
	}

	/**
	 * The handler of {@code hung} ignored its timeout's interrupt: the batch is given up
	 * on, unless its worker is done with it or the message is not this batch's.
	 * @return whether it was
	 */
	boolean markAbandoned(Message hung) {
		synchronized (this) {
			if (this.abandoned || this.finished || this.released || !holds(hung)) {
				return false;
			}
			this.abandoned = true;
			this.hung = hung;
			this.services.stillRunning().add(hung.metaData().streamSequence());
			// before its worker can see it given up on and shrink the pool again
			this.replaced = this.run.addWorker();
			return true;
		}
	}

	private boolean holds(Message message) {
		for (Message own : this.messages) {
			if (own == message) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Settles a batch given up on: the hung message fails, the rest of the batch is
	 * handed back.
	 */
	void settleAbandoned() {
		if (!this.services.processor().databaseAnswers() && holdForOutage()) {
			return;
		}
		Message hungMessage = this.hung;
		for (Message message : this.messages) {
			if (message == hungMessage) {
				HandlerTimeoutException timeout = new HandlerTimeoutException(this.services.name(),
						this.services.watchdog().timeout(), null);
				settleOnce(message,
						(settled) -> this.services.settler().settle(settled, DeliveryOutcome.failed(timeout)));
			}
			else {
				settleOnce(message, DeliveryBatch::nakQuietly);
			}
		}
		release();
	}

	/**
	 * The batch was given up on while its database did not answer: the handler hangs in a
	 * statement of a database that stopped answering without closing its connections,
	 * which is an outage and not the handler's failure. Its unsettled messages, still
	 * held (in-progress acks go on), move with its place to a new batch that processes
	 * them again and, as long as the database cannot be reached, holds them as in any
	 * database outage: no delivery is spent.
	 * @return whether they moved (not once the batch's place was freed)
	 */
	private boolean holdForOutage() {
		List<Message> held;
		synchronized (this) {
			if (this.released) {
				return false;
			}
			this.released = true;
			held = new ArrayList<>(this.unsettled);
			this.unsettled.clear();
		}
		Message hungMessage = this.hung;
		logger.warn("Consumer " + this.services.name() + ": the handler of message "
				+ ((hungMessage != null) ? MessageContext.messageId(hungMessage) : "?")
				+ " was given up on while the database does not answer; its messages are held as in a database "
				+ "outage and processed again once it answers, without spending a delivery. Set a socket timeout "
				+ "on the JDBC URL so that statements fail instead of hanging (docs/consumers.md)");
		// the new batch takes over this one's permits and its count among the active
		DeliveryBatch retry = new DeliveryBatch(this.services, this.run, held, this.permits, hungMessage);
		try {
			if (!this.run.isActive()) {
				throw new RejectedExecutionException("the batch's run stopped");
			}
			this.run.workers().execute(retry);
		}
		catch (RejectedExecutionException ex) {
			retry.handBack();
		}
		return true;
	}

	private synchronized boolean isAbandoned() {
		return this.abandoned;
	}

	/**
	 * Settles {@code message} unless it was settled already; it is no longer held.
	 */
	private void settleOnce(Message message, Consumer<Message> action) {
		synchronized (this) {
			if (!this.unsettled.remove(message)) {
				return;
			}
		}
		this.services.inFlight().remove(message);
		action.accept(message);
	}

	/** Frees the batch's place, once. */
	private void release() {
		synchronized (this) {
			if (this.released) {
				return;
			}
			this.released = true;
		}
		this.messages.forEach(this.services.inFlight()::remove);
		this.run.release(this.permits);
	}

	static void nakQuietly(Message message) {
		try {
			message.nak();
		}
		catch (RuntimeException ex) {
			// the server redelivers it after the ack wait anyway
		}
	}

}
