package io.jetway.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.jetway.consumer.JetwayConsumersProperties.ConsumerProperties;
import io.jetway.consumer.JetwayConsumersProperties.TransactionMode;
import io.jetway.support.JetwayConfigurationException;
import io.jetway.support.RateLimitedWarning;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.ConsumerConfiguration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs one durable pull consumer: a fetch thread pulls batches, never more than the
 * consumer's {@code concurrency} handlers (or batches) run at once, and each message is
 * acknowledged, redelivered with backoff, or dead-lettered after its processing
 * (including any inbox transaction) completed. Every message the container holds, from
 * its fetch until it is settled, gets in-progress acks.
 * <p>
 * Jetway, not the server, enforces {@code max-deliver} (the durable's own max deliver is
 * unlimited): a message that fails on its last delivery is dead-lettered, and one
 * delivered beyond it (its earlier deliveries ended without an outcome: a handler that
 * hung past the ack wait, an instance that died, a dead-letter publish that failed) is
 * dead-lettered without running the handler again. A dead letter that cannot be stored
 * naks the message with delay, so it stays in the stream until the dead letter is stored;
 * see {@link DeliverySettler}.
 * <p>
 * When processing cannot reach the database, the container stops fetching and holds its
 * messages, processing them again with backoff, without spending a delivery; see
 * {@link InfrastructureOutage}. Handlers run under the consumer's handler timeout; see
 * {@link HandlerWatchdog}.
 * <p>
 * Stopping stops fetching, lets running handlers finish within the shutdown timeout,
 * interrupts the rest and naks every message that did not complete.
 */
public class ListenerContainer {

	private static final Log logger = LogFactory.getLog(ListenerContainer.class);

	/**
	 * When a message beyond max-deliver whose inbox row cannot be read is tried again.
	 */
	private static final Duration EXHAUSTED_RETRY_DELAY = Duration.ofSeconds(5);

	/** JetStream's error code for "stream not found". */
	private static final int STREAM_NOT_FOUND = 10059;

	/**
	 * How often a batch holding the messages of a hung handler looks whether it returned.
	 */
	private static final long HUNG_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private final String name;

	private final String stream;

	private final ConsumerConfiguration consumerConfiguration;

	private final ConsumerProperties properties;

	private final DeliveryProcessor processor;

	private final DeliverySettler settler;

	private final ConsumerEnsurer ensurer;

	private final InFlightMessages inFlight;

	private final HandlerWatchdog watchdog;

	private final RateLimitedWarning fetchWarning = new RateLimitedWarning(logger, Duration.ofMinutes(1));

	/**
	 * The current (or last) run: a new one each start, so that nothing of an earlier run
	 * can keep fetching stopped or run in, or free a place of, a later one.
	 */
	private volatile @Nullable ContainerRun run;

	private final ConsumerObserver observer;

	private final Duration shutdownTimeout;

	private final Object pauseLock = new Object();

	/** The batch each worker thread runs, for the watchdog. */
	private final Map<Thread, Batch> runningBatches = new ConcurrentHashMap<>();

	private final StillRunning stillRunning = new StillRunning();

	private volatile boolean running;

	/** Used by the fetch thread only. */
	private final PullFetcher fetcher;

	private volatile boolean paused;

	private @Nullable Thread fetchThread;

	private @Nullable ScheduledExecutorService heartbeat;

	private int refillThreshold = 1;

	ListenerContainer(ContainerSettings settings, DeliveryProcessor processor, InFlightMessages inFlight,
			HandlerWatchdog watchdog) {
		this.name = settings.name();
		this.stream = settings.stream();
		this.consumerConfiguration = settings.consumerConfiguration();
		this.properties = settings.properties();
		this.processor = processor;
		this.settler = new DeliverySettler(this.name, this.properties, settings.deadLetterSubject(),
				settings.deadLetterPublisher(), settings.observer());
		this.ensurer = settings.ensurer();
		this.fetcher = new PullFetcher(settings.jetStream(), this.stream, this.name);
		this.inFlight = inFlight;
		this.watchdog = watchdog;
		this.watchdog.onAbandon(this::abandon);
		this.observer = settings.observer();
		this.shutdownTimeout = settings.shutdownTimeout();
		this.paused = !this.properties.isAutoStartup();
	}

	public String getName() {
		return this.name;
	}

	public String getStream() {
		return this.stream;
	}

	public boolean isRunning() {
		return this.running;
	}

	public boolean isPaused() {
		return this.paused;
	}

	/** Stops fetching; running handlers finish. */
	public void pause() {
		this.paused = true;
	}

	public void resume() {
		synchronized (this.pauseLock) {
			this.paused = false;
			this.pauseLock.notifyAll();
		}
	}

	/**
	 * Ensures the durable consumer and starts fetching.
	 */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		try {
			this.ensurer.ensure(this.stream, this.consumerConfiguration, "jetway.consumers." + this.name);
		}
		catch (JetwayConfigurationException ex) {
			throw ex;
		}
		catch (Exception ex) {
			if (isStreamNotFound(ex)) {
				throw new JetwayConfigurationException(
						"Consumer '" + this.name + "' reads stream '" + this.stream
								+ "', which does not exist on the NATS server",
						"jetway.consumers." + this.name + ".stream",
						"Declare it with jetway.topology.streams." + this.stream + ".subjects (Jetway creates it at "
								+ "startup), create it outside the application, or correct the stream's name",
						ex);
			}
			throw new IllegalStateException(
					"Could not create or update the durable consumer '" + this.name + "' on stream '" + this.stream
							+ "' (jetway.consumers." + this.name + "): " + ex.getMessage()
							+ ". Check that the stream exists (jetway.topology.streams) and the settings are valid.",
					ex);
		}
		int concurrency = Math.max(1, this.properties.getConcurrency());
		// per message: hold up to a batch (waiting messages get in-progress acks too);
		// per batch: one permit per batch being processed
		int held = Math.max(concurrency, this.properties.getBatchSize());
		ContainerRun run = new ContainerRun(this.name, concurrency, isPerBatch() ? concurrency : held);
		this.refillThreshold = Math.max(1, Math.min(this.properties.getBatchSize(), held - concurrency) / 2);
		this.run = run;
		ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1,
				new CustomizableThreadFactory("jetway-consumer-" + this.name + "-heartbeat-"));
		long interval = Math.max(200, this.properties.getAckWait().toMillis() / 3);
		ticker.scheduleAtFixedRate(this.inFlight::sendInProgress, interval, interval, TimeUnit.MILLISECONDS);
		if (this.watchdog.isEnabled()) {
			long check = this.watchdog.checkInterval().toMillis();
			ticker.scheduleAtFixedRate(this.watchdog::check, check, check, TimeUnit.MILLISECONDS);
		}
		this.heartbeat = ticker;
		this.running = true;
		Thread thread = new Thread(() -> fetchLoop(run), "jetway-consumer-" + this.name + "-fetch");
		this.fetchThread = thread;
		thread.start();
	}

	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		ContainerRun run = this.run;
		if (run != null) {
			run.stop();
		}
		synchronized (this.pauseLock) {
			this.pauseLock.notifyAll();
		}
		join(this.fetchThread);
		if (run != null) {
			ThreadPoolExecutor pool = run.workers();
			pool.shutdown();
			if (!run.awaitBatches(this.shutdownTimeout)) {
				List<Runnable> neverStarted = pool.shutdownNow();
				for (Runnable task : neverStarted) {
					if (task instanceof Batch batch) {
						batch.handBack();
					}
				}
				run.awaitBatches(Duration.ofSeconds(5));
				logger.warn("Consumer " + this.name + ": handlers still running after the shutdown timeout "
						+ this.shutdownTimeout + " were interrupted; their messages are redelivered");
			}
		}
		ScheduledExecutorService ticker = this.heartbeat;
		if (ticker != null) {
			ticker.shutdownNow();
		}
	}

	private void fetchLoop(ContainerRun run) {
		try {
			fetchUntilStopped(run);
		}
		finally {
			this.fetcher.close();
		}
	}

	private void fetchUntilStopped(ContainerRun run) {
		while (run.isActive()) {
			try {
				if (awaitUnpaused(run)) {
					continue;
				}
				fetchAndDispatch(run);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				if (run.isActive()) {
					this.fetchWarning.warn("Consumer " + this.name + ": fetch failed, retrying every second: " + ex);
					this.fetcher.close();
					sleepQuietly(Duration.ofSeconds(1));
				}
			}
		}
	}

	/**
	 * @return whether the container is paused, by the application or by an outage of the
	 * database (after waiting a little)
	 */
	private boolean awaitUnpaused(ContainerRun run) throws InterruptedException {
		synchronized (this.pauseLock) {
			if ((this.paused || run.outage().isActive()) && run.isActive()) {
				this.pauseLock.wait(500);
				return true;
			}
		}
		return false;
	}

	private void fetchAndDispatch(ContainerRun run) throws Exception {
		Semaphore permits = run.permits();
		boolean perBatch = isPerBatch();
		// per message: refill once a good part of the held messages were handled, so
		// that one pull brings many messages instead of one pull per freed handler
		int wanted = perBatch ? 1 : this.refillThreshold;
		if (!permits.tryAcquire(wanted, 500, TimeUnit.MILLISECONDS)) {
			return;
		}
		int taken = wanted;
		if (!perBatch) {
			// fetch no more messages than may be held; held messages wait for a handler
			// with their ack wait kept alive by in-progress acks
			while (taken < this.properties.getBatchSize() && permits.tryAcquire()) {
				taken++;
			}
		}
		List<Message> messages;
		try {
			messages = this.fetcher.fetch(perBatch ? this.properties.getBatchSize() : taken, run::isActive);
			this.fetchWarning.clear("Consumer " + this.name + ": fetching works again");
		}
		catch (Exception ex) {
			permits.release(taken);
			throw ex;
		}
		int needed = perBatch ? Math.min(1, messages.size()) : messages.size();
		if (taken > needed) {
			permits.release(taken - needed);
		}
		if (messages.isEmpty()) {
			return;
		}
		if (!run.isActive()) {
			messages.forEach(ListenerContainer::nakQuietly);
			permits.release(needed);
			return;
		}
		// held from now until settled, also while waiting for a worker and while the
		// rest of a batch is handled and committed
		messages.forEach(this.inFlight::add);
		if (perBatch) {
			run.submit(new Batch(run, messages, 1, null));
		}
		else {
			for (Message message : messages) {
				run.submit(new Batch(run, List.of(message), 1, null));
			}
		}
	}

	/** Whether fetching is stopped because processing cannot reach the database. */
	boolean isHeldByOutage() {
		ContainerRun run = this.run;
		return run != null && run.outage().isActive();
	}

	private boolean isPerBatch() {
		return this.properties.isInbox() && this.properties.getTransaction() == TransactionMode.PER_BATCH;
	}

	/**
	 * Gives up on the batch whose handler on {@code thread} ignored its interrupt. Called
	 * under the watchdog's lock of that handler's run, so the thread is still in that
	 * batch; the settling runs on a thread of its own, since it may publish a dead
	 * letter.
	 */
	private void abandon(Thread thread, Message message) {
		Batch batch = this.runningBatches.get(thread);
		if (batch == null || !batch.markAbandoned(message)) {
			return;
		}
		Thread settler = new Thread(batch::settleAbandoned, "jetway-consumer-" + this.name + "-abandon");
		settler.setDaemon(true);
		settler.start();
	}

	private static boolean isStreamNotFound(Exception ex) {
		return NestedExceptionUtils.getMostSpecificCause(ex) instanceof JetStreamApiException api
				&& api.getApiErrorCode() == STREAM_NOT_FOUND;
	}

	private static void nakQuietly(Message message) {
		try {
			message.nak();
		}
		catch (RuntimeException ex) {
			// the server redelivers it after the ack wait anyway
		}
	}

	private static void join(@Nullable Thread thread) {
		if (thread == null) {
			return;
		}
		try {
			thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleepQuietly(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Waits for {@code delay} unless the container stops first.
	 * @return whether the container still runs
	 */
	private boolean waitUnlessStopped(ContainerRun run, Duration delay) {
		long deadline = System.nanoTime() + delay.toNanos();
		synchronized (this.pauseLock) {
			while (run.isActive()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					break;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.pauseLock, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
		return run.isActive();
	}

	/**
	 * The messages one worker handles together: one, or the whole fetch in per-batch
	 * mode. Each message is settled once: by the worker, or, when its handler ignored the
	 * timeout's interrupt, by {@link #abandon}.
	 */
	private final class Batch implements Runnable {

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
		 * When the database first answered while {@link #heldFor}'s handler still ran;
		 * used by the batch's worker only.
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

		private Batch(ContainerRun run, List<Message> messages, int permits, @Nullable Message heldFor) {
			this.run = run;
			this.messages = messages;
			this.permits = permits;
			this.heldFor = heldFor;
			this.unsettled = new LinkedHashSet<>(messages);
		}

		@Override
		public void run() {
			Thread thread = Thread.currentThread();
			ListenerContainer.this.runningBatches.put(thread, this);
			try {
				process();
			}
			catch (RuntimeException ex) {
				logger.warn("Consumer " + ListenerContainer.this.name + ": processing failed (" + ex
						+ "); the messages are redelivered", ex);
				for (Message message : this.messages) {
					settleOnce(message, ListenerContainer::nakQuietly);
				}
			}
			finally {
				ListenerContainer.this.runningBatches.remove(thread, this);
				boolean wasAbandoned;
				synchronized (this) {
					this.finished = true;
					wasAbandoned = this.abandoned;
				}
				ListenerContainer.this.watchdog.batchEnded(thread);
				if (wasAbandoned) {
					// clear the interrupt of the timeout before the thread leaves
					Thread.interrupted();
					if (this.replaced) {
						this.run.removeWorker();
					}
					Message hungMessage = this.hung;
					if (hungMessage != null) {
						ListenerContainer.this.stillRunning.remove(hungMessage.metaData().streamSequence());
					}
				}
				release();
			}
		}

		private void process() {
			List<Message> pending = new ArrayList<>(this.messages.size());
			for (Message message : this.messages) {
				if (ListenerContainer.this.settler.isExhausted(message)) {
					settleExhausted(message);
				}
				else if (this.heldFor == null
						&& ListenerContainer.this.stillRunning.contains(message.metaData().streamSequence())) {
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
							settleOnce(message, (settled) -> ListenerContainer.this.settler.settle(settled, outcome));
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
							ListenerContainer.this.inFlight.size());
					if (isAbandoned() || !waitUnlessStopped(this.run, outage.retryDelay(attempts))) {
						// stopping: handed back for another instance or the next start
						unavailable.forEach((message) -> settleOnce(message, ListenerContainer::nakQuietly));
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
		 * Processes {@code pending}, unless this batch holds the messages of one given up
		 * on whose hung handler still runs: processing would wait, without a timeout, for
		 * what that handler holds (its uncommitted inbox rows). Then, while the database
		 * does not answer, the messages are unavailable (held as in any outage); once it
		 * answers, the hung handler gets the watchdog's grace period, from that first
		 * answer, to return (its connection resumes or fails); if it still runs after it,
		 * its message fails as a redelivery to a hung handler's instance does, and the
		 * rest are handed back.
		 * @return an outcome per message, or {@code null} when they were settled here
		 */
		private @Nullable List<DeliveryOutcome> attempt(List<Message> pending) {
			Message hungMessage = this.heldFor;
			if (hungMessage != null
					&& ListenerContainer.this.stillRunning.contains(hungMessage.metaData().streamSequence())) {
				if (!ListenerContainer.this.processor.databaseAnswers()) {
					DeliveryOutcome unavailable = DeliveryOutcome.unavailable(
							new IllegalStateException("the database does not answer, and the handler of message "
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
							settleOnce(message, ListenerContainer::nakQuietly);
						}
					}
					return null;
				}
			}
			long start = System.nanoTime();
			List<DeliveryOutcome> outcomes = ListenerContainer.this.processor.process(pending);
			ListenerContainer.this.observer.handlerTime(ListenerContainer.this.name,
					Duration.ofNanos(System.nanoTime() - start), pending.size());
			return outcomes;
		}

		/**
		 * Waits for the hung handler of the message with {@code sequence} to return, at
		 * most the watchdog's grace period from when the database first answered.
		 * @return whether it returned (not when the grace ran out or the run stopped)
		 */
		private boolean awaitHungHandler(long sequence) {
			if (!this.answered) {
				this.answered = true;
				this.answeredNanos = System.nanoTime();
			}
			long deadline = this.answeredNanos + ListenerContainer.this.watchdog.grace().toNanos();
			while (ListenerContainer.this.stillRunning.contains(sequence)) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || !waitUnlessStopped(this.run, Duration.ofNanos(Math.min(left, HUNG_POLL_NANOS)))) {
					return false;
				}
			}
			return true;
		}

		/**
		 * Fails a message whose handler, given up on, still runs on this instance.
		 */
		private void failStillRunning(Message message) {
			HandlerTimeoutException timeout = new HandlerTimeoutException(ListenerContainer.this.name,
					ListenerContainer.this.watchdog.timeout(),
					new IllegalStateException("the handler of its previous delivery still runs on this instance"));
			settleOnce(message,
					(settled) -> ListenerContainer.this.settler.settle(settled, DeliveryOutcome.failed(timeout)));
		}

		/**
		 * A message delivered beyond max-deliver: acknowledged if the inbox says it was
		 * processed (its ack was lost), otherwise dead-lettered without its handler.
		 */
		private void settleExhausted(Message message) {
			EarlierDeliveries earlier;
			try {
				earlier = ListenerContainer.this.processor.earlierDeliveries(message);
			}
			catch (RuntimeException ex) {
				logger.warn("Consumer " + ListenerContainer.this.name + ": cannot tell whether message "
						+ MessageContext.messageId(message) + ", delivered beyond max-deliver, was processed (" + ex
						+ "); redelivering it in " + EXHAUSTED_RETRY_DELAY);
				settleOnce(message, (settled) -> settled.nakWithDelay(EXHAUSTED_RETRY_DELAY));
				return;
			}
			if (earlier.processed()) {
				settleOnce(message,
						(settled) -> ListenerContainer.this.settler.settle(settled, DeliveryOutcome.DUPLICATE));
			}
			else {
				settleOnce(message,
						(settled) -> ListenerContainer.this.settler.deadLetterExhausted(settled, earlier.lastError()));
			}
		}

		/** Never started (the pool stopped): handed back for redelivery. */
		private void handBack() {
			for (Message message : this.messages) {
				settleOnce(message, ListenerContainer::nakQuietly);
			}
			release();
		}

		/**
		 * The handler of {@code hung} ignored its timeout's interrupt: the batch is given
		 * up on, unless its worker is done with it or the message is not this batch's.
		 * @return whether it was
		 */
		private boolean markAbandoned(Message hung) {
			synchronized (this) {
				if (this.abandoned || this.finished || this.released || !holds(hung)) {
					return false;
				}
				this.abandoned = true;
				this.hung = hung;
				ListenerContainer.this.stillRunning.add(hung.metaData().streamSequence());
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
		private void settleAbandoned() {
			if (!ListenerContainer.this.processor.databaseAnswers() && holdForOutage()) {
				return;
			}
			Message hungMessage = this.hung;
			for (Message message : this.messages) {
				if (message == hungMessage) {
					HandlerTimeoutException timeout = new HandlerTimeoutException(ListenerContainer.this.name,
							ListenerContainer.this.watchdog.timeout(), null);
					settleOnce(message, (settled) -> ListenerContainer.this.settler.settle(settled,
							DeliveryOutcome.failed(timeout)));
				}
				else {
					settleOnce(message, ListenerContainer::nakQuietly);
				}
			}
			release();
		}

		/**
		 * The batch was given up on while its database did not answer: the handler hangs
		 * in a statement of a database that stopped answering without closing its
		 * connections, which is an outage and not the handler's failure. Its unsettled
		 * messages, still held (in-progress acks go on), move with its place to a new
		 * batch that processes them again and, as long as the database cannot be reached,
		 * holds them as in any database outage: no delivery is spent.
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
			logger.warn("Consumer " + ListenerContainer.this.name + ": the handler of message "
					+ ((hungMessage != null) ? MessageContext.messageId(hungMessage) : "?")
					+ " was given up on while the database does not answer; its messages are held as in a database "
					+ "outage and processed again once it answers, without spending a delivery. Set a socket timeout "
					+ "on the JDBC URL so that statements fail instead of hanging (docs/consumers.md)");
			// the new batch takes over this one's permits and its count among the active
			Batch retry = new Batch(this.run, held, this.permits, hungMessage);
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
			ListenerContainer.this.inFlight.remove(message);
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
			this.messages.forEach(ListenerContainer.this.inFlight::remove);
			this.run.release(this.permits);
		}

	}

}
