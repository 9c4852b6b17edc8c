package io.jetway.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.jetway.observation.DefaultOutboxRelayObservationConvention;
import io.jetway.observation.JetwayObservationDocumentation;
import io.jetway.observation.OutboxRelayObservationContext;
import io.jetway.observation.OutboxRelayObservationConvention;
import io.jetway.outbox.OutboxRepository.FailedAttempt;
import io.jetway.outbox.OutboxRepository.SentRow;
import io.jetway.publish.PublishOutages;
import io.jetway.support.Backoff;
import io.jetway.support.RateLimitedWarning;
import io.jetway.topology.StreamTopology;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes outbox rows to JetStream on one thread per instance.
 * <p>
 * Rows a transaction of this instance committed arrive in commit order through
 * {@link #committed(List)} and are published at once: locked by id (rows another instance
 * holds are skipped), published asynchronously as one batch, and marked sent (or deleted)
 * with their stream and sequence when every PubAck is in, all in one short transaction. A
 * recovery poller claims the rest with {@code FOR UPDATE SKIP LOCKED}: delayed rows when
 * due, rows to retry, and rows left behind by a crash once their recovery delay has
 * passed. While NATS is disconnected nothing is attempted. A failure that is NATS's and
 * not the message's (no PubAck in time or no responders while a stream that captures the
 * subject elects a leader, JetStream saying it is unavailable, see
 * {@link PublishOutages}) postpones the row without spending an attempt and is reported
 * by one WARN a minute; any other rejection by the server, and a subject no stream
 * captures, spends one.
 */
public class OutboxRelay implements SmartLifecycle {

	/** Starts after the topology is ensured and stops after consumers and job workers. */
	public static final int PHASE = StreamTopology.PHASE + 1000;

	private static final Log logger = LogFactory.getLog(OutboxRelay.class);

	private static final int MAX_QUEUED = 50_000;

	/**
	 * How long a cleanup run deletes after one poll before the relay publishes again.
	 */
	private static final Duration CLEANUP_SLICE = Duration.ofMillis(100);

	private final OutboxRepository repository;

	private final TransactionTemplate transactions;

	private final Connection connection;

	private final JetStream jetStream;

	private final OutboxProperties properties;

	private final Backoff backoff;

	private final OutboxObserver observer;

	private final Clock clock;

	private final PublishOutages outages;

	private final RateLimitedWarning outageWarning = new RateLimitedWarning(logger, Duration.ofMinutes(1));

	/** The relay's own failures (the database unreachable, for one), once a minute. */
	private final RateLimitedWarning failureWarning = new RateLimitedWarning(logger, Duration.ofMinutes(1));

	private final Object signal = new Object();

	/**
	 * Rows committed by this instance, in commit order, by id: the poller removes the
	 * rows it claims, so that a backlog older than the recovery delay (claimed by both)
	 * is not locked twice.
	 */
	private final LinkedHashMap<UUID, OutboxRecord> queue = new LinkedHashMap<>();

	private volatile boolean running;

	private @Nullable Thread thread;

	private Instant nextPoll = Instant.MIN;

	private Instant nextCleanup = Instant.MIN;

	private @Nullable CleanupRun cleanupRun;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable OutboxRelayObservationConvention observationConvention;

	public OutboxRelay(OutboxRepository repository, TransactionTemplate transactions, Connection connection,
			JetStream jetStream, OutboxProperties properties, OutboxObserver observer, Clock clock) {
		this.repository = repository;
		this.transactions = transactions;
		this.connection = connection;
		this.jetStream = jetStream;
		this.properties = properties;
		this.backoff = properties.getRelay().getBackoff().toBackoff("jetway.outbox.relay.backoff");
		this.observer = observer;
		this.clock = clock;
		this.outages = new PublishOutages(connection);
	}

	/**
	 * Sets the registry of the {@code jetway.outbox.relay} observations, one per batch.
	 * (Each row is sent with the {@code traceparent} header stored with it.)
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Replaces {@link DefaultOutboxRelayObservationConvention}.
	 * @param observationConvention the convention, or {@code null} for the default
	 */
	public void setObservationConvention(@Nullable OutboxRelayObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	/**
	 * Hands over rows a transaction just committed, in commit order.
	 * @param records the rows
	 */
	void committed(List<OutboxRecord> records) {
		synchronized (this.signal) {
			if (this.queue.size() + records.size() <= MAX_QUEUED) {
				for (OutboxRecord record : records) {
					this.queue.put(record.id(), record);
				}
			}
			this.signal.notifyAll();
		}
	}

	/**
	 * Asks the poller to look for due rows now rather than at its next interval.
	 */
	public void wakeUp() {
		synchronized (this.signal) {
			this.nextPoll = Instant.MIN;
			this.signal.notifyAll();
		}
	}

	@Override
	public void start() {
		this.running = true;
		Thread relayThread = new Thread(this::run, "jetway-outbox-relay");
		this.thread = relayThread;
		relayThread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		synchronized (this.signal) {
			this.signal.notifyAll();
		}
		Thread relayThread = this.thread;
		if (relayThread != null) {
			try {
				relayThread.join(this.properties.getRelay().getAckTimeout().plusSeconds(5).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.thread = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void run() {
		while (this.running) {
			try {
				if (!step()) {
					awaitWork();
				}
			}
			catch (RuntimeException ex) {
				this.failureWarning.warn("The outbox relay failed and retries every "
						+ this.properties.getRelay().getPollInterval() + ": " + ex, ex);
				this.nextPoll = this.clock.instant().plus(this.properties.getRelay().getPollInterval());
				awaitWork();
			}
		}
	}

	/**
	 * Polls when the poll is due, then publishes a batch of the queue: the poller gets
	 * its turn however long the queue stays non-empty (due delayed rows, retries and rows
	 * the queue dropped would otherwise wait for the load to stop).
	 * @return whether there may be more work right away
	 */
	private boolean step() {
		if (this.connection.getStatus() != Connection.Status.CONNECTED) {
			this.nextPoll = this.clock.instant().plus(this.properties.getRelay().getPollInterval());
			return false;
		}
		Instant now = this.clock.instant();
		boolean more = !now.isBefore(this.nextPoll) && poll(now);
		List<OutboxRecord> fresh = takeQueued(this.properties.getRelay().getBatchSize());
		if (!fresh.isEmpty()) {
			this.transactions.executeWithoutResult((status) -> {
				Set<UUID> locked = this.repository.lockPending(OutboxRepository.ids(fresh));
				publish(fresh.stream().filter((record) -> locked.contains(record.id())).toList());
			});
			more = true;
		}
		return more;
	}

	/**
	 * Claims and publishes due rows.
	 * @return whether a full batch was due, so more may be
	 */
	private boolean poll(Instant now) {
		int batchSize = this.properties.getRelay().getBatchSize();
		Integer claimed = this.transactions.execute((status) -> {
			List<OutboxRecord> due = this.repository.claimDue(now, batchSize);
			dequeue(due);
			publish(due);
			return due.size();
		});
		this.failureWarning.clear("The outbox relay works again");
		boolean more = claimed != null && claimed >= batchSize;
		this.nextPoll = more ? now : now.plus(this.properties.getRelay().getPollInterval());
		cleanUpIfDue(now);
		return more;
	}

	private List<OutboxRecord> takeQueued(int max) {
		synchronized (this.signal) {
			List<OutboxRecord> records = new ArrayList<>(Math.min(max, this.queue.size()));
			Iterator<OutboxRecord> queued = this.queue.values().iterator();
			while (records.size() < max && queued.hasNext()) {
				records.add(queued.next());
				queued.remove();
			}
			return records;
		}
	}

	private void dequeue(List<OutboxRecord> claimed) {
		if (claimed.isEmpty()) {
			return;
		}
		synchronized (this.signal) {
			if (this.queue.isEmpty()) {
				return;
			}
			for (OutboxRecord record : claimed) {
				this.queue.remove(record.id());
			}
		}
	}

	private void awaitWork() {
		synchronized (this.signal) {
			if (!this.running || !this.queue.isEmpty()) {
				return;
			}
			long waitMillis = Duration.between(this.clock.instant(), this.nextPoll).toMillis();
			if (waitMillis > 0) {
				try {
					this.signal.wait(Math.min(waitMillis, this.properties.getRelay().getPollInterval().toMillis()));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					this.running = false;
				}
			}
		}
	}

	/**
	 * Publishes the rows as one asynchronous batch and records the outcome of each, in
	 * the current transaction, which holds their locks.
	 */
	private void publish(List<OutboxRecord> records) {
		if (records.isEmpty()) {
			return;
		}
		Observation observation = JetwayObservationDocumentation.OUTBOX_RELAY.observation(this.observationConvention,
				DefaultOutboxRelayObservationConvention.INSTANCE,
				() -> new OutboxRelayObservationContext(records.size()), this.observationRegistry);
		observation.start();
		try {
			int failed = publishObserved(records);
			if (observation.getContext() instanceof OutboxRelayObservationContext context) {
				context.setFailedRows(failed);
			}
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * @return how many rows failed
	 */
	private int publishObserved(List<OutboxRecord> records) {
		List<CompletableFuture<PublishAck>> acks = new ArrayList<>(records.size());
		for (OutboxRecord record : records) {
			try {
				acks.add(this.jetStream.publishAsync(record.toNatsMessage()));
			}
			catch (RuntimeException ex) {
				acks.add(CompletableFuture.failedFuture(ex));
			}
		}
		long deadline = System.nanoTime() + this.properties.getRelay().getAckTimeout().toNanos();
		List<SentRow> sent = new ArrayList<>(records.size());
		List<OutboxRecord> sentRecords = new ArrayList<>(records.size());
		List<Duration> latencies = new ArrayList<>(records.size());
		List<OutboxRecord> failedRecords = new ArrayList<>();
		List<Throwable> failures = new ArrayList<>();
		for (int i = 0; i < records.size(); i++) {
			OutboxRecord record = records.get(i);
			try {
				PublishAck ack = acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				sent.add(new SentRow(record.id(), ack.getStream(), ack.getSeqno()));
				sentRecords.add(record);
				latencies.add(Duration.between(record.createdAt(), this.clock.instant()));
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				failedRecords.add(record);
				failures.add((ex instanceof ExecutionException) ? ex.getCause() : ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.running = false;
				failedRecords.add(record);
				failures.add(ex);
			}
		}
		Instant now = this.clock.instant();
		if (!sent.isEmpty()) {
			if (this.properties.getCompletionMode() == CompletionMode.DELETE) {
				this.repository.delete(sent.stream().map(SentRow::id).toList());
			}
			else {
				this.repository.markSent(sent, now);
			}
			this.observer.published(sentRecords, latencies);
		}
		if (!failedRecords.isEmpty()) {
			recordFailures(failedRecords, failures, now);
		}
		return failedRecords.size();
	}

	private void recordFailures(List<OutboxRecord> records, List<Throwable> failures, Instant now) {
		if (this.connection.getStatus() != Connection.Status.CONNECTED) {
			this.outageWarning.warn(records.size() + " outbox messages wait for NATS to reconnect");
			return;
		}
		int maxAttempts = this.properties.getRelay().getMaxAttempts();
		PublishOutages.Check outages = this.outages.check();
		List<FailedAttempt> attempts = new ArrayList<>(records.size());
		String firstOutage = null;
		int postponed = 0;
		String firstError = null;
		int givenUp = 0;
		for (int i = 0; i < records.size(); i++) {
			OutboxRecord record = records.get(i);
			String outage = outages.outage(record.subject(), failures.get(i));
			if (outage != null) {
				// the infrastructure's failure, not the message's: no attempt spent
				postponed++;
				firstOutage = (firstOutage != null) ? firstOutage : outage;
				attempts.add(new FailedAttempt(record.id(), OutboxStatus.PENDING, record.attempts(), outage,
						now.plus(this.backoff.delayAfter(1))));
				continue;
			}
			int attempt = record.attempts() + 1;
			OutboxStatus status = (attempt >= maxAttempts) ? OutboxStatus.FAILED : OutboxStatus.PENDING;
			givenUp += (status == OutboxStatus.FAILED) ? 1 : 0;
			String error = outages.error(record.subject(), failures.get(i));
			firstError = (firstError != null) ? firstError : error;
			attempts.add(
					new FailedAttempt(record.id(), status, attempt, error, now.plus(this.backoff.delayAfter(attempt))));
		}
		this.repository.recordFailures(attempts);
		int counted = records.size() - postponed;
		if (counted > 0) {
			this.observer.failed(counted, givenUp);
			logger.warn(counted + " outbox messages failed to publish (" + givenUp + " gave up after " + maxAttempts
					+ " attempts, jetway.outbox.relay.max-attempts); first: " + firstError);
		}
		if (postponed > 0) {
			this.outageWarning.warn(postponed + " outbox messages wait for NATS, no attempt counted: " + firstOutage);
		}
	}

	/**
	 * The retention cleanup, on the relay thread after a poll: a run starts at the first
	 * poll (as the relay starts), then at the first poll once {@code cleanup-interval}
	 * has passed. It deletes every row past the retention at its start, in batches, a
	 * slice of at most {@link #CLEANUP_SLICE} per poll, so that a big backlog delays
	 * publishing by a slice at a time instead of by the whole run.
	 */
	private void cleanUpIfDue(Instant now) {
		CleanupRun run = this.cleanupRun;
		if (run == null) {
			if (now.isBefore(this.nextCleanup)) {
				return;
			}
			this.nextCleanup = now.plus(this.properties.getRelay().getCleanupInterval());
			if (this.properties.getCompletionMode() != CompletionMode.UPDATE) {
				return;
			}
			run = new CleanupRun(now.minus(this.properties.getRetention()));
			this.cleanupRun = run;
		}
		int limit = this.properties.getRelay().getCleanupBatchSize();
		long start = System.nanoTime();
		long sliceEnd = start + CLEANUP_SLICE.toNanos();
		int deleted;
		do {
			deleted = this.repository.deleteSentBefore(run.sentBefore, limit);
			run.deleted += deleted;
		}
		while (deleted >= limit && this.running && System.nanoTime() - sliceEnd < 0);
		run.nanos += System.nanoTime() - start;
		if (deleted >= limit && this.running) {
			return;
		}
		this.cleanupRun = null;
		Duration took = Duration.ofNanos(run.nanos);
		if (logger.isDebugEnabled()) {
			logger.debug("The outbox cleanup deleted " + run.deleted + " sent rows older than " + run.sentBefore
					+ " in " + took.toMillis() + " ms");
		}
		this.observer.cleanedUp(run.deleted, took);
	}

	/** A cleanup run in progress: what it deletes and what it did so far. */
	private static final class CleanupRun {

		private final Instant sentBefore;

		private long deleted;

		private long nanos;

		private CleanupRun(Instant sentBefore) {
			this.sentBefore = sentBefore;
		}

	}

}
