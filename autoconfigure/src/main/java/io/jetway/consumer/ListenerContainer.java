package io.jetway.consumer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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

	/** JetStream's error code for "stream not found". */
	private static final int STREAM_NOT_FOUND = 10059;

	private final String name;

	private final String stream;

	private final ConsumerConfiguration consumerConfiguration;

	private final ConsumerProperties properties;

	private final ConsumerEnsurer ensurer;

	private final InFlightMessages inFlight;

	private final HandlerWatchdog watchdog;

	private final RateLimitedWarning fetchWarning = new RateLimitedWarning(logger, Duration.ofMinutes(1));

	/**
	 * The current (or last) run: a new one each start, so that nothing of an earlier run
	 * can keep fetching stopped or run in, or free a place of, a later one.
	 */
	private volatile @Nullable ContainerRun run;

	private final Duration shutdownTimeout;

	private final Object pauseLock = new Object();

	/** The batch each worker thread runs, for the watchdog. */
	private final Map<Thread, DeliveryBatch> runningBatches = new ConcurrentHashMap<>();

	private final BatchServices batchServices;

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
		this.ensurer = settings.ensurer();
		this.fetcher = new PullFetcher(settings.jetStream(), this.stream, this.name);
		this.inFlight = inFlight;
		this.watchdog = watchdog;
		this.watchdog.onAbandon(this::abandon);
		this.shutdownTimeout = settings.shutdownTimeout();
		this.paused = !this.properties.isAutoStartup();
		DeliverySettler settler = new DeliverySettler(this.name, this.properties, settings.deadLetterSubject(),
				settings.deadLetterPublisher(), settings.observer());
		this.batchServices = new BatchServices(this.name, processor, settler, settings.observer(), inFlight, watchdog,
				new StillRunning(), this.runningBatches);
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
					if (task instanceof DeliveryBatch batch) {
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
			messages.forEach(DeliveryBatch::nakQuietly);
			permits.release(needed);
			return;
		}
		// held from now until settled, also while waiting for a worker and while the
		// rest of a batch is handled and committed
		messages.forEach(this.inFlight::add);
		if (perBatch) {
			run.submit(new DeliveryBatch(this.batchServices, run, messages, 1, null));
		}
		else {
			for (Message message : messages) {
				run.submit(new DeliveryBatch(this.batchServices, run, List.of(message), 1, null));
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
		DeliveryBatch batch = this.runningBatches.get(thread);
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

}
