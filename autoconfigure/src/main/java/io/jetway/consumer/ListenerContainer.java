package io.jetway.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.jetway.consumer.DeadLetterPublisher.DeadLetterException;
import io.jetway.consumer.DeadLetterPublisher.FailedMessage;
import io.jetway.consumer.JetwayConsumersProperties.ConsumerProperties;
import io.jetway.consumer.JetwayConsumersProperties.TransactionMode;
import io.nats.client.Message;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.impl.NatsJetStreamMetaData;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs one durable pull consumer: a fetch thread pulls batches, never more than the
 * consumer's {@code concurrency} handlers (or batches) run at once, and each message is
 * acknowledged, redelivered with backoff, or dead-lettered after its processing
 * (including any inbox transaction) completed. Running handlers send in-progress acks.
 * <p>
 * Stopping stops fetching, lets running handlers finish within the shutdown timeout,
 * interrupts the rest and naks every message that did not complete.
 */
public class ListenerContainer {

	private static final Log logger = LogFactory.getLog(ListenerContainer.class);

	private final String name;

	private final String stream;

	private final ConsumerConfiguration consumerConfiguration;

	private final ConsumerProperties properties;

	private final DeliveryProcessor processor;

	private final RedeliveryPolicy redeliveryPolicy;

	private final @Nullable String deadLetterSubject;

	private final DeadLetterPublisher deadLetterPublisher;

	private final ConsumerEnsurer ensurer;

	private final InFlightMessages inFlight;

	private final ConsumerObserver observer;

	private final Duration shutdownTimeout;

	private final Object pauseLock = new Object();

	private volatile boolean running;

	/** Used by the fetch thread only. */
	private final PullFetcher fetcher;

	private volatile boolean paused;

	private @Nullable Thread fetchThread;

	private @Nullable ThreadPoolExecutor workers;

	private @Nullable ScheduledExecutorService heartbeat;

	private Semaphore permits = new Semaphore(0);

	private int refillThreshold = 1;

	ListenerContainer(ContainerSettings settings, DeliveryProcessor processor, InFlightMessages inFlight) {
		this.name = settings.name();
		this.stream = settings.stream();
		this.consumerConfiguration = settings.consumerConfiguration();
		this.properties = settings.properties();
		this.processor = processor;
		this.redeliveryPolicy = new RedeliveryPolicy(this.properties.getBackoff(), this.properties.getMaxDeliver(),
				this.properties.getNonRetryable());
		this.deadLetterSubject = settings.deadLetterSubject();
		this.deadLetterPublisher = settings.deadLetterPublisher();
		this.ensurer = settings.ensurer();
		this.fetcher = new PullFetcher(settings.jetStream(), this.stream, this.name);
		this.inFlight = inFlight;
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
		catch (Exception ex) {
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
		this.permits = new Semaphore(isPerBatch() ? concurrency : held);
		this.refillThreshold = Math.max(1, Math.min(this.properties.getBatchSize(), held - concurrency) / 2);
		this.workers = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), new CustomizableThreadFactory("jetway-consumer-" + this.name + "-"));
		ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1,
				new CustomizableThreadFactory("jetway-consumer-" + this.name + "-heartbeat-"));
		long interval = Math.max(200, this.properties.getAckWait().toMillis() / 3);
		ticker.scheduleAtFixedRate(this.inFlight::sendInProgress, interval, interval, TimeUnit.MILLISECONDS);
		this.heartbeat = ticker;
		this.running = true;
		Thread thread = new Thread(this::fetchLoop, "jetway-consumer-" + this.name + "-fetch");
		this.fetchThread = thread;
		thread.start();
	}

	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		synchronized (this.pauseLock) {
			this.pauseLock.notifyAll();
		}
		join(this.fetchThread);
		ThreadPoolExecutor pool = this.workers;
		if (pool != null) {
			pool.shutdown();
			try {
				if (!pool.awaitTermination(this.shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
					List<Runnable> neverStarted = pool.shutdownNow();
					for (Runnable task : neverStarted) {
						if (task instanceof Batch batch) {
							batch.messages.forEach(ListenerContainer::nakQuietly);
						}
					}
					pool.awaitTermination(5, TimeUnit.SECONDS);
					logger.warn("Consumer " + this.name + ": handlers still running after the shutdown timeout "
							+ this.shutdownTimeout + " were interrupted; their messages are redelivered");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				pool.shutdownNow();
			}
		}
		ScheduledExecutorService ticker = this.heartbeat;
		if (ticker != null) {
			ticker.shutdownNow();
		}
	}

	private void fetchLoop() {
		try {
			fetchUntilStopped();
		}
		finally {
			this.fetcher.close();
		}
	}

	private void fetchUntilStopped() {
		while (this.running) {
			try {
				if (awaitUnpaused()) {
					continue;
				}
				fetchAndDispatch();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				if (this.running) {
					logger.warn("Consumer " + this.name + ": fetch failed, retrying in 1s: " + ex);
					this.fetcher.close();
					sleepQuietly(Duration.ofSeconds(1));
				}
			}
		}
	}

	/**
	 * @return whether the container is paused (after waiting a little)
	 */
	private boolean awaitUnpaused() throws InterruptedException {
		synchronized (this.pauseLock) {
			if (this.paused && this.running) {
				this.pauseLock.wait(500);
				return true;
			}
		}
		return false;
	}

	private void fetchAndDispatch() throws Exception {
		boolean perBatch = isPerBatch();
		// per message: refill once a good part of the held messages were handled, so
		// that one pull brings many messages instead of one pull per freed handler
		int wanted = perBatch ? 1 : this.refillThreshold;
		if (!this.permits.tryAcquire(wanted, 500, TimeUnit.MILLISECONDS)) {
			return;
		}
		int taken = wanted;
		if (!perBatch) {
			// fetch no more messages than may be held; held messages wait for a handler
			// with their ack wait kept alive by in-progress acks
			while (taken < this.properties.getBatchSize() && this.permits.tryAcquire()) {
				taken++;
			}
		}
		List<Message> messages;
		try {
			messages = this.fetcher.fetch(perBatch ? this.properties.getBatchSize() : taken, () -> this.running);
		}
		catch (Exception ex) {
			this.permits.release(taken);
			throw ex;
		}
		int needed = perBatch ? Math.min(1, messages.size()) : messages.size();
		if (taken > needed) {
			this.permits.release(taken - needed);
		}
		if (messages.isEmpty()) {
			return;
		}
		if (!this.running) {
			messages.forEach(ListenerContainer::nakQuietly);
			this.permits.release(needed);
			return;
		}
		ThreadPoolExecutor pool = this.workers;
		if (perBatch) {
			pool.execute(new Batch(messages));
		}
		else {
			for (Message message : messages) {
				this.inFlight.add(message);
				pool.execute(new Batch(List.of(message)));
			}
		}
	}

	private boolean isPerBatch() {
		return this.properties.isInbox() && this.properties.getTransaction() == TransactionMode.PER_BATCH;
	}

	private void settle(List<Message> messages, List<DeliveryOutcome> outcomes) {
		for (int i = 0; i < messages.size(); i++) {
			Message message = messages.get(i);
			DeliveryOutcome outcome = outcomes.get(i);
			try {
				switch (outcome.kind()) {
					case HANDLED -> {
						message.ack();
						this.observer.handled(this.name);
					}
					case DUPLICATE -> {
						message.ack();
						this.observer.duplicate(this.name);
					}
					case FAILED -> failed(message, outcome.failure());
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Consumer " + this.name + ": could not settle message " + MessageContext.messageId(message)
						+ " (" + ex + "); the server redelivers it after the ack wait");
			}
		}
	}

	private void failed(Message message, @Nullable Throwable failure) {
		Throwable cause = (failure != null) ? failure : new IllegalStateException("unknown failure");
		long deliveries = message.metaData().deliveredCount();
		Duration delay = this.redeliveryPolicy.redeliveryDelay(deliveries, cause);
		if (delay != null) {
			logger.warn("Consumer " + this.name + ": handler failed for message " + MessageContext.messageId(message)
					+ " (delivery " + deliveries + " of " + this.properties.getMaxDeliver() + "), redelivering in "
					+ delay + ": " + cause);
			message.nakWithDelay(delay);
			this.observer.failed(this.name);
			return;
		}
		deadLetter(message, cause, deliveries);
	}

	private void deadLetter(Message message, Throwable cause, long deliveries) {
		String reason = this.redeliveryPolicy.isNonRetryable(cause) ? "not retryable"
				: "out of deliveries (" + deliveries + " of " + this.properties.getMaxDeliver() + ")";
		if (this.deadLetterSubject == null) {
			logger.error("Consumer " + this.name + ": message " + MessageContext.messageId(message) + " is " + reason
					+ " and dead-lettering is off (jetway.consumers." + this.name + ".dead-letter=false); "
					+ "terminating it: " + cause, cause);
			message.term();
			this.observer.failed(this.name);
			return;
		}
		NatsJetStreamMetaData metaData = message.metaData();
		try {
			this.deadLetterPublisher.publish(this.deadLetterSubject,
					new FailedMessage(message.getSubject(), metaData.getStream(), metaData.streamSequence(), this.name,
							deliveries, cause.getClass().getName(), String.valueOf(cause.getMessage()),
							(message.getData() != null) ? message.getData() : new byte[0], message.getHeaders()));
			message.term();
			logger.warn("Consumer " + this.name + ": message " + MessageContext.messageId(message) + " is " + reason
					+ "; dead-lettered to " + this.deadLetterSubject + ": " + cause);
			this.observer.deadLettered(this.name);
		}
		catch (DeadLetterException ex) {
			logger.error(ex.getMessage() + "; the message is redelivered instead", ex);
			message.nakWithDelay(this.properties.getAckWait());
		}
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
	 * The messages one worker handles together: one, or the whole fetch in per-batch
	 * mode.
	 */
	private final class Batch implements Runnable {

		private final List<Message> messages;

		private Batch(List<Message> messages) {
			this.messages = messages;
		}

		@Override
		public void run() {
			try {
				long start = System.nanoTime();
				List<DeliveryOutcome> outcomes = ListenerContainer.this.processor.process(this.messages);
				ListenerContainer.this.observer.handlerTime(ListenerContainer.this.name,
						Duration.ofNanos(System.nanoTime() - start), this.messages.size());
				settle(this.messages, outcomes);
			}
			catch (RuntimeException ex) {
				logger.warn("Consumer " + ListenerContainer.this.name + ": processing failed (" + ex
						+ "); the messages are redelivered", ex);
				this.messages.forEach(ListenerContainer::nakQuietly);
			}
			finally {
				this.messages.forEach(ListenerContainer.this.inFlight::remove);
				ListenerContainer.this.permits.release(isPerBatch() ? 1 : this.messages.size());
			}
		}

	}

}
