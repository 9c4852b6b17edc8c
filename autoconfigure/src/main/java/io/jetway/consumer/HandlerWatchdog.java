package io.jetway.consumer;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.nats.client.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Enforces a consumer's {@code handler-timeout}: a handler running longer is interrupted,
 * and one that still runs a grace period later (as long again as the timeout, at most 30
 * s) is given up: its container settles its message as failed, stops its in-progress acks
 * and replaces its thread, so a handler that ignores interruption holds neither its
 * message nor a worker forever.
 * <p>
 * Handlers register their start and end (a map entry per run, no timer per message); the
 * container calls {@link #check()} periodically.
 */
final class HandlerWatchdog {

	private static final Log logger = LogFactory.getLog(HandlerWatchdog.class);

	private static final Duration MAX_GRACE = Duration.ofSeconds(30);

	private final String consumer;

	private final Duration timeout;

	private final long timeoutNanos;

	private final long abandonNanos;

	private final Map<Thread, Run> runs = new ConcurrentHashMap<>();

	/**
	 * Threads whose batch was given up on: no handler starts on them until that batch has
	 * ended (a per-batch processor's savepoint re-run must not call the other handlers,
	 * whose messages were handed back, again).
	 */
	private final Set<Thread> cancelled = ConcurrentHashMap.newKeySet();

	private volatile Abandoner abandoner = (thread, message) -> {
	};

	/**
	 * @param consumer the consumer, for messages
	 * @param timeout the handler timeout; zero or negative for none
	 */
	HandlerWatchdog(String consumer, Duration timeout) {
		this.consumer = consumer;
		this.timeout = timeout;
		this.timeoutNanos = timeout.toNanos();
		this.abandonNanos = this.timeoutNanos + Math.min(this.timeoutNanos, MAX_GRACE.toNanos());
	}

	boolean isEnabled() {
		return this.timeoutNanos > 0;
	}

	Duration timeout() {
		return this.timeout;
	}

	/**
	 * How long a handler may run after its timeout's interrupt before it is given up on.
	 */
	Duration grace() {
		return Duration.ofNanos(this.abandonNanos - this.timeoutNanos);
	}

	/** How often {@link #check()} should run. */
	Duration checkInterval() {
		long millis = this.timeout.toMillis() / 4;
		return Duration.ofMillis(Math.max(100, Math.min(1000, millis)));
	}

	/** Told about handlers to give up on; set by the container. */
	void onAbandon(Abandoner abandoner) {
		this.abandoner = abandoner;
	}

	/**
	 * A handler starts on the current thread.
	 * @throws HandlerTimeoutException when the thread's batch was given up on
	 */
	Run started(Message message) {
		if (this.cancelled.contains(Thread.currentThread())) {
			throw new HandlerTimeoutException(this.consumer, this.timeout,
					new IllegalStateException("its batch was given up on; not run"));
		}
		Run run = new Run(Thread.currentThread(), message, System.nanoTime());
		if (isEnabled()) {
			this.runs.put(run.thread, run);
		}
		return run;
	}

	/**
	 * The handler of {@code run} returned or threw: it is no longer interrupted, and an
	 * interrupt the watchdog sent is cleared so that it does not hit what the thread does
	 * next.
	 */
	void finished(Run run) {
		if (!isEnabled()) {
			return;
		}
		this.runs.remove(run.thread, run);
		boolean interrupted;
		synchronized (run) {
			run.finished = true;
			interrupted = run.interrupted;
		}
		if (interrupted) {
			Thread.interrupted();
		}
	}

	/**
	 * Interrupts handlers past the timeout and gives up on those past the grace period.
	 */
	void check() {
		long now = System.nanoTime();
		for (Run run : this.runs.values()) {
			long elapsed = now - run.startNanos;
			if (elapsed >= this.timeoutNanos) {
				interrupt(run);
			}
			if (elapsed >= this.abandonNanos) {
				abandon(run);
			}
		}
	}

	private void interrupt(Run run) {
		synchronized (run) {
			if (run.finished || run.interrupted) {
				return;
			}
			run.interrupted = true;
			run.thread.interrupt();
		}
		logger.warn("Consumer " + this.consumer + ": the handler of message " + MessageContext.messageId(run.message)
				+ " ran longer than the handler timeout of " + this.timeout + " (jetway.consumers." + this.consumer
				+ ".handler-timeout); interrupted it");
	}

	private void abandon(Run run) {
		// under the run's lock: its handler cannot finish, and its thread cannot move on
		// to another batch, before the container has marked this run's batch given up on
		synchronized (run) {
			if (run.finished || run.abandoned) {
				return;
			}
			run.abandoned = true;
			this.cancelled.add(run.thread);
			this.abandoner.abandon(run.thread, run.message);
		}
		this.runs.remove(run.thread, run);
		logger.error("Consumer " + this.consumer + ": the handler of message " + MessageContext.messageId(run.message)
				+ " ignored the interrupt and still runs on thread " + run.thread.getName()
				+ "; giving up on it: the delivery counts as failed, and a new thread takes its place. "
				+ "Make the handler respond to interruption (or bound its blocking calls).");
	}

	/**
	 * The batch of a thread given up on has ended: the thread may run handlers again.
	 */
	void batchEnded(Thread thread) {
		this.cancelled.remove(thread);
	}

	/**
	 * One handler run.
	 */
	static final class Run {

		private final Thread thread;

		private final Message message;

		private final long startNanos;

		private boolean finished;

		private boolean interrupted;

		private boolean abandoned;

		private Run(Thread thread, Message message, long startNanos) {
			this.thread = thread;
			this.message = message;
			this.startNanos = startNanos;
		}

		/** Whether the watchdog interrupted it. */
		synchronized boolean timedOut() {
			return this.interrupted;
		}

	}

	/**
	 * Gives up on a handler that ignored its interrupt.
	 */
	@FunctionalInterface
	interface Abandoner {

		void abandon(Thread thread, Message message);

	}

}
