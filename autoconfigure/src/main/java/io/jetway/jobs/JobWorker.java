package io.jetway.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.jetway.consumer.ConsumerEnsurer;
import io.jetway.consumer.InFlightMessages;
import io.jetway.consumer.NonRetryableException;
import io.jetway.consumer.PullFetcher;
import io.jetway.jobs.JobCompletions.Finished;
import io.jetway.jobs.JobRepository.AttemptOutcome;
import io.jetway.jobs.JobRepository.ClaimedJob;
import io.jetway.jobs.JobsProperties.QueueProperties;
import io.jetway.support.Backoff;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the jobs of one queue on this instance: a durable pull consumer on the queue's
 * subject, never more than the queue's concurrency handlers at once (while handlers are
 * short, the next batch is fetched and claimed while the current one runs: see
 * {@link JobSlots}). A fetched batch is marked running in one statement (each job with
 * its next attempt number); handlers run with the queue's timeout and keep their message
 * alive with in-progress acks; outcomes go to {@link JobCompletions}, which commits them
 * in groups and then acknowledges or redelivers each message.
 */
public class JobWorker {

	private static final Log logger = LogFactory.getLog(JobWorker.class);

	private static final byte[] JOB_ID_START = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);

	private static final int JOB_ID_END = JOB_ID_START.length + 36;

	private static final Duration CLAIM_RETRY_DELAY = Duration.ofSeconds(1);

	private final String queue;

	private final String stream;

	private final String subject;

	private final QueueProperties properties;

	private final Backoff backoff;

	private final ConsumerEnsurer ensurer;

	private final JobHandlers handlers;

	private final JobRepository repository;

	private final JobCompletions completions;

	private final JobEvents events;

	private final JsonMapper jsonMapper;

	private final Predicate<String> paused;

	private final Clock clock;

	private final InFlightMessages inFlight = new InFlightMessages();

	private final @Nullable TransactionTemplate transactions;

	private final Object poolLock = new Object();

	/** Threads blocked by attempts that ignore their timeout (guarded by poolLock). */
	private int abandonedThreads;

	private volatile boolean running;

	/** Used by the fetch thread only. */
	private final PullFetcher fetcher;

	private JobSlots slots = new JobSlots(1);

	private @Nullable Thread fetchThread;

	private @Nullable ThreadPoolExecutor executor;

	private @Nullable ScheduledThreadPoolExecutor timers;

	JobWorker(String queue, String stream, String subject, QueueProperties properties, JetStream jetStream,
			ConsumerEnsurer ensurer, JobHandlers handlers, JobRepository repository, JobCompletions completions,
			JobEvents events, JsonMapper jsonMapper, Predicate<String> paused, Clock clock) {
		this(queue, stream, subject, properties, jetStream, ensurer, handlers, repository, completions, events,
				jsonMapper, paused, clock, null);
	}

	/**
	 * @param transactions the application's transactions, in which transactional handlers
	 * run
	 */
	JobWorker(String queue, String stream, String subject, QueueProperties properties, JetStream jetStream,
			ConsumerEnsurer ensurer, JobHandlers handlers, JobRepository repository, JobCompletions completions,
			JobEvents events, JsonMapper jsonMapper, Predicate<String> paused, Clock clock,
			@Nullable TransactionTemplate transactions) {
		this.transactions = transactions;
		this.queue = queue;
		this.stream = stream;
		this.subject = subject;
		this.properties = properties;
		this.backoff = properties.getBackoff().toBackoff("jetway.jobs.queues." + queue + ".backoff");
		this.fetcher = new PullFetcher(jetStream, stream, consumerName(queue));
		this.ensurer = ensurer;
		this.handlers = handlers;
		this.repository = repository;
		this.completions = completions;
		this.events = events;
		this.jsonMapper = jsonMapper;
		this.paused = paused;
		this.clock = clock;
	}

	/** The durable consumer's name for a queue. */
	static String consumerName(String queue) {
		return "jetway-jobs-" + queue;
	}

	synchronized void start() {
		if (this.running) {
			return;
		}
		ConsumerConfiguration configuration = ConsumerConfiguration.builder()
			.durable(consumerName(this.queue))
			.filterSubject(this.subject)
			.ackPolicy(AckPolicy.Explicit)
			.deliverPolicy(DeliverPolicy.All)
			.ackWait(this.properties.getAckWait())
			.maxDeliver(-1)
			.maxAckPending(Math.max(1000, this.properties.getConcurrency() * 4))
			.build();
		try {
			this.ensurer.ensure(this.stream, configuration);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create the consumer of job queue '" + this.queue + "' on "
					+ "stream " + this.stream + ": " + ex.getMessage(), ex);
		}
		int concurrency = Math.max(1, this.properties.getConcurrency());
		this.slots = new JobSlots(concurrency);
		this.executor = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), new CustomizableThreadFactory("jetway-jobs-" + this.queue + "-"));
		this.timers = new ScheduledThreadPoolExecutor(1,
				new CustomizableThreadFactory("jetway-jobs-" + this.queue + "-timer-"));
		this.timers.setRemoveOnCancelPolicy(true);
		long heartbeat = Math.max(200, this.properties.getAckWait().toMillis() / 3);
		this.timers.scheduleAtFixedRate(this.inFlight::sendInProgress, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
		this.running = true;
		Thread thread = new Thread(this::fetchLoop, "jetway-jobs-" + this.queue + "-fetch");
		this.fetchThread = thread;
		thread.start();
	}

	/**
	 * Stops fetching and waits for running jobs up to {@code timeout}; jobs still running
	 * then are interrupted and their messages redelivered.
	 */
	synchronized void stop(Duration timeout) {
		if (!this.running) {
			return;
		}
		this.running = false;
		Thread thread = this.fetchThread;
		if (thread != null) {
			try {
				thread.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		ThreadPoolExecutor pool = this.executor;
		if (pool != null) {
			pool.shutdown();
			try {
				if (!pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					handBack(pool.shutdownNow());
					pool.awaitTermination(5, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				handBack(pool.shutdownNow());
			}
		}
		if (this.timers != null) {
			this.timers.shutdownNow();
		}
	}

	/**
	 * Hands back the messages of claimed jobs that never got a thread: redelivered at
	 * once (to another instance, or this one's next start), where the claim takes them
	 * over.
	 */
	private void handBack(List<Runnable> neverStarted) {
		for (Runnable task : neverStarted) {
			if (task instanceof HeldJob held) {
				this.inFlight.remove(held.message);
				settle(held.message, Message::nak);
			}
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
				if (this.paused.test(this.queue)) {
					synchronized (this) {
						wait(200);
					}
					continue;
				}
				fetchAndRun();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				if (this.running) {
					logger.warn("Job queue " + this.queue + ": fetch or claim failed, retrying in 1s: " + ex);
					this.fetcher.close();
					synchronized (this) {
						try {
							wait(1000);
						}
						catch (InterruptedException interrupted) {
							Thread.currentThread().interrupt();
							return;
						}
					}
				}
			}
		}
	}

	private void fetchAndRun() throws Exception {
		int taken = this.slots.take(500);
		if (taken <= 0) {
			return;
		}
		List<Message> messages;
		try {
			messages = this.fetcher.fetch(taken, () -> this.running);
		}
		catch (Exception ex) {
			this.slots.release(taken);
			throw ex;
		}
		this.slots.release(taken - messages.size());
		if (messages.isEmpty()) {
			return;
		}
		if (this.paused.test(this.queue)) {
			// paused while this pull waited: hand the jobs back untouched
			messages.forEach((message) -> settle(message, (handedBack) -> handedBack.nakWithDelay(CLAIM_RETRY_DELAY)));
			return;
		}
		Map<UUID, Message> byJob = new LinkedHashMap<>();
		Map<UUID, Long> sequences = new LinkedHashMap<>();
		for (Message message : messages) {
			UUID id = jobId(message);
			if (id == null) {
				settle(message, Message::term);
			}
			else if (byJob.containsKey(id)) {
				// two messages of one job in one batch: the claim decides with the first,
				// the other comes back shortly and is decided then
				settle(message, (later) -> later.nakWithDelay(CLAIM_RETRY_DELAY));
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
			byJob.values().forEach((message) -> settle(message, (back) -> back.nakWithDelay(CLAIM_RETRY_DELAY)));
			throw ex;
		}
		Set<UUID> known = new HashSet<>();
		for (ClaimedJob job : claimed) {
			known.add(job.id());
			Message message = byJob.get(job.id());
			if (job.claimed()) {
				start(job, message);
			}
			else {
				settle(message, (unclaimed) -> settleUnclaimed(job, unclaimed, sequences.get(job.id())));
			}
		}
		byJob.forEach((id, message) -> {
			if (!known.contains(id)) {
				logger.warn("Job queue " + this.queue + ": message for job " + id + " has no row in jetway_jobs "
						+ "(its enqueue was rolled back or the row deleted); dropping it");
				settle(message, Message::term);
			}
		});
	}

	/**
	 * Hands a claimed job to the thread pool; it keeps its slot until its handler
	 * returns.
	 */
	private void start(ClaimedJob job, Message message) {
		// kept alive from now: it may wait for a thread behind the jobs running now
		this.inFlight.add(message);
		try {
			this.executor.execute(new HeldJob(job, message));
		}
		catch (RejectedExecutionException ex) {
			// stopping: handed back for another instance or the next start
			this.inFlight.remove(message);
			settle(message, Message::nak);
		}
	}

	/**
	 * Settles a message that will not run here and frees its slot, whatever happens.
	 */
	private void settle(Message message, Consumer<Message> action) {
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
			this.events.transition(job.id(), job.type(), job.queue(), JobState.FAILED, job.attempt(), error);
		}
		else if (job.state().isFinal()) {
			message.ack();
		}
		else {
			Instant now = this.clock.instant();
			Duration untilDue = (job.runAt() != null && job.runAt().isAfter(now)) ? Duration.between(now, job.runAt())
					: Duration.ZERO;
			message.nakWithDelay(untilDue.compareTo(CLAIM_RETRY_DELAY) > 0 ? untilDue : CLAIM_RETRY_DELAY);
		}
	}

	/**
	 * A claimed job waiting for, or running on, a thread of the pool.
	 */
	private final class HeldJob implements Runnable {

		private final ClaimedJob job;

		private final Message message;

		private HeldJob(ClaimedJob job, Message message) {
			this.job = job;
			this.message = message;
		}

		@Override
		public void run() {
			JobWorker.this.run(this.job, this.message);
		}

	}

	private void run(ClaimedJob job, Message message) {
		// here rather than on the fetch thread, which claims the next batch meanwhile
		this.events.transition(job.id(), job.type(), job.queue(), JobState.RUNNING, job.attempt(), null);
		long start = System.nanoTime();
		Attempt attempt = new Attempt(job, message);
		AttemptOutcome outcome;
		Ending ending = Ending.SUBMIT;
		try {
			JobHandlerMethod handler = this.handlers.get(job.type());
			if (handler == null) {
				throw new NonRetryableException("No @JobHandler handles job type '" + job.type() + "' in this "
						+ "application (known: " + this.handlers.types() + ")");
			}
			if (handler.transactional()) {
				TransactionalRun run = runInTransaction(handler, job, attempt);
				outcome = run.outcome();
				ending = run.ending();
			}
			else {
				attempt.startClock();
				String result = handler.invoke(job.payload(), new RunningJob(job));
				outcome = attempt.timedOut() ? failure(job, timeoutError())
						: new AttemptOutcome(job.id(), job.attempt(), JobState.COMPLETED, result, null, null);
			}
		}
		catch (Exception ex) {
			outcome = failure(job, attempt.timedOut() ? timeoutError() : ex);
		}
		finally {
			boolean holdsSlot = attempt.finish();
			// clear an interrupt of the timeout so that it does not hit the next job
			Thread.interrupted();
			// kept alive until its outcome is stored, however long the database is away
			// (back after a timeout stopped it: the handler returned after all)
			this.inFlight.add(message);
			if (holdsSlot) {
				this.slots.finished(System.nanoTime() - start);
			}
		}
		Finished finished = new Finished(outcome, message, job.type(), job.queue(),
				Duration.ofNanos(System.nanoTime() - start), () -> this.inFlight.remove(message));
		switch (ending) {
			case SUBMIT -> this.completions.submit(finished);
			case COMMITTED -> this.completions.settle(finished, this.clock.instant());
			case STALE -> this.completions.stale(finished);
			case HAND_BACK -> {
				this.inFlight.remove(message);
				settleQuietly(message, (back) -> back.nakWithDelay(CLAIM_RETRY_DELAY));
			}
		}
	}

	/**
	 * Runs a transactional handler in a transaction that also applies its completion,
	 * fenced on the attempt: a stale attempt's transaction rolls back. A failing handler
	 * (or a timeout) rolls back too, and its failure is recorded like any other. While
	 * the transaction cannot begin because the database cannot be reached, the handler
	 * has not run: the attempt waits for the database (its message kept alive, its
	 * timeout not started) instead of failing.
	 */
	private TransactionalRun runInTransaction(JobHandlerMethod handler, ClaimedJob job, Attempt attempt)
			throws Exception {
		TransactionTemplate transactions = this.transactions;
		if (transactions == null) {
			throw new NonRetryableException("Job type '" + job.type() + "' has a transactional @JobHandler ("
					+ handler.describe() + "), but the application has no transaction manager");
		}
		for (int unreachable = 1;; unreachable++) {
			TransactionalRun run = tryInTransaction(transactions, handler, job, attempt);
			if (run != null) {
				return run;
			}
			Duration pause = UnreachableDatabase.RETRY.delayAfter(unreachable);
			try {
				Thread.sleep(pause.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				logger.warn("Job " + job.id() + ": stopped while waiting for the database; its message is "
						+ "redelivered and the job runs again");
				return new TransactionalRun(new AttemptOutcome(job.id(), job.attempt(), JobState.PENDING, null,
						"stopped while the database could not be reached", null), Ending.HAND_BACK);
			}
		}
	}

	/**
	 * @return how the run ended, or {@code null} when its transaction could not begin
	 * because the database cannot be reached and it is to be tried again
	 */
	private @Nullable TransactionalRun tryInTransaction(TransactionTemplate transactions, JobHandlerMethod handler,
			ClaimedJob job, Attempt attempt) throws Exception {
		AttemptOutcome[] completed = new AttemptOutcome[1];
		boolean[] began = new boolean[1];
		try {
			transactions.executeWithoutResult((status) -> {
				began[0] = true;
				attempt.startClock();
				String result;
				try {
					result = handler.invoke(job.payload(), new RunningJob(job));
				}
				catch (Exception ex) {
					throw new HandlerFailure(ex);
				}
				if (attempt.timedOut()) {
					throw new HandlerFailure(timeoutError());
				}
				completed[0] = new AttemptOutcome(job.id(), job.attempt(), JobState.COMPLETED, result, null, null);
				boolean applied;
				try {
					applied = this.repository.finishInCurrentTransaction(completed[0], this.clock.instant());
				}
				catch (IllegalStateException ex) {
					throw new HandlerFailure(new NonRetryableException(ex.getMessage(), ex));
				}
				if (!applied) {
					throw new StaleAttempt();
				}
			});
			return new TransactionalRun(completed[0], Ending.COMMITTED);
		}
		catch (HandlerFailure ex) {
			throw ex.failure;
		}
		catch (StaleAttempt ex) {
			return new TransactionalRun(completed[0], Ending.STALE);
		}
		catch (RuntimeException ex) {
			if (!began[0]) {
				// the handler did not run
				if (this.running && !Thread.currentThread().isInterrupted() && UnreachableDatabase.causes(ex)) {
					logger.warn("Job " + job.id() + ": could not begin the transaction of its transactional handler: "
							+ "the database cannot be reached (" + ex + "); attempt " + job.attempt()
							+ " waits for it");
					return null;
				}
				logger.warn("Job " + job.id() + ": could not begin the transaction of its transactional handler (" + ex
						+ "); its message is redelivered and the job runs again");
				return new TransactionalRun(
						new AttemptOutcome(job.id(), job.attempt(), JobState.PENDING, null, ex.toString(), null),
						Ending.HAND_BACK);
			}
			if (completed[0] == null) {
				throw ex;
			}
			logger.warn("Job " + job.id() + ": the transaction of its transactional handler did not commit (" + ex
					+ "); its effects are rolled back, its message is redelivered and the job runs again");
			return new TransactionalRun(completed[0], Ending.HAND_BACK);
		}
	}

	/** What is left to do with an attempt's outcome once the handler returned. */
	private enum Ending {

		/** Record it (the completions commit it, then settle the message). */
		SUBMIT,

		/** Committed with the handler's transaction: settle the message. */
		COMMITTED,

		/** The job was given to a newer attempt: report it, leave the message. */
		STALE,

		/** Nothing was recorded (the database failed): the message comes back. */
		HAND_BACK

	}

	private record TransactionalRun(AttemptOutcome outcome, Ending ending) {
	}

	/** Rolls a transactional handler's transaction back for its failure. */
	private static final class HandlerFailure extends RuntimeException {

		private final Exception failure;

		private HandlerFailure(Exception failure) {
			super(failure.getMessage(), null, false, false);
			this.failure = failure;
		}

	}

	/** Rolls a stale attempt's transaction back. */
	private static final class StaleAttempt extends RuntimeException {

		private StaleAttempt() {
			super("stale attempt", null, false, false);
		}

	}

	/**
	 * One attempt on a pool thread: its timeout interrupts it and stops its in-progress
	 * acks; a handler that is still running {@code ack-wait} later (its message is
	 * redelivered by then, and another attempt may take the job over) gives up its slot,
	 * and the pool gets a thread in place of the one it blocks, up to the queue's
	 * concurrency in such threads.
	 */
	private final class Attempt {

		private final ClaimedJob job;

		private final Message message;

		private final Thread thread = Thread.currentThread();

		private boolean timedOut;

		private boolean finished;

		private boolean abandoned;

		private @Nullable ScheduledFuture<?> clock;

		private Attempt(ClaimedJob job, Message message) {
			this.job = job;
			this.message = message;
		}

		/** Starts the attempt's timeout, once: when its handler starts. */
		synchronized void startClock() {
			if (this.clock == null && !this.finished) {
				try {
					this.clock = JobWorker.this.timers.schedule(this::timeout,
							JobWorker.this.properties.getTimeout().toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException ex) {
					// stopping: the handler is interrupted when the shutdown timeout ends
				}
			}
		}

		synchronized boolean timedOut() {
			return this.timedOut;
		}

		synchronized void timeout() {
			if (this.finished) {
				return;
			}
			this.timedOut = true;
			this.thread.interrupt();
			// no more signs of life: a handler that ignores the interrupt loses the job
			// to a redelivery after the ack wait
			JobWorker.this.inFlight.remove(this.message);
			try {
				JobWorker.this.timers.schedule(this::abandon, JobWorker.this.properties.getAckWait().toMillis(),
						TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// stopping
			}
		}

		private synchronized void abandon() {
			if (this.finished) {
				return;
			}
			if (!addThread()) {
				logger.error("Job " + this.job.id() + " (" + this.job.type() + ") attempt " + this.job.attempt()
						+ " still runs " + JobWorker.this.properties.getAckWait() + " after its timeout of "
						+ JobWorker.this.properties.getTimeout() + " and ignores interrupts; already "
						+ JobWorker.this.abandonedThreads + " threads of queue " + JobWorker.this.queue
						+ " are held like this, so it keeps its slot and the queue runs fewer jobs at once");
				return;
			}
			this.abandoned = true;
			logger.warn("Job " + this.job.id() + " (" + this.job.type() + ") attempt " + this.job.attempt()
					+ " still runs " + JobWorker.this.properties.getAckWait() + " after its timeout of "
					+ JobWorker.this.properties.getTimeout() + " and ignores interrupts: its slot is given up and "
					+ "the pool of queue " + JobWorker.this.queue + " gets a thread in its place; the job is taken "
					+ "over by a redelivery of its message, and this attempt's outcome will be stale");
			JobWorker.this.slots.release(1);
		}

		/**
		 * @return whether the attempt still holds its slot (it was not abandoned)
		 */
		synchronized boolean finish() {
			this.finished = true;
			if (this.clock != null) {
				this.clock.cancel(false);
			}
			if (this.abandoned) {
				removeThread();
			}
			return !this.abandoned;
		}

	}

	/** Grows the pool by a thread for an abandoned attempt, within the bound. */
	private boolean addThread() {
		synchronized (this.poolLock) {
			ThreadPoolExecutor pool = this.executor;
			if (pool == null || pool.isShutdown() || this.abandonedThreads >= this.properties.getConcurrency()) {
				return false;
			}
			this.abandonedThreads++;
			pool.setMaximumPoolSize(pool.getMaximumPoolSize() + 1);
			pool.setCorePoolSize(pool.getCorePoolSize() + 1);
			return true;
		}
	}

	/** Shrinks the pool again once an abandoned attempt returned. */
	private void removeThread() {
		synchronized (this.poolLock) {
			ThreadPoolExecutor pool = this.executor;
			this.abandonedThreads--;
			if (pool != null && !pool.isShutdown()) {
				pool.setCorePoolSize(pool.getCorePoolSize() - 1);
				pool.setMaximumPoolSize(pool.getMaximumPoolSize() - 1);
			}
		}
	}

	private void settleQuietly(Message message, Consumer<Message> action) {
		try {
			action.accept(message);
		}
		catch (RuntimeException ex) {
			logger.debug("Job queue " + this.queue + ": could not settle a message (" + ex + "); the server "
					+ "redelivers it after the ack wait");
		}
	}

	private Exception timeoutError() {
		return new JobTimeoutException(
				"The attempt ran longer than the queue's timeout of " + this.properties.getTimeout()
						+ " (jetway.jobs.queues." + this.queue + ".timeout) and was interrupted");
	}

	private AttemptOutcome failure(ClaimedJob job, Exception failure) {
		String error = failure.getClass().getName() + ": " + failure.getMessage();
		boolean retry = !(failure instanceof NonRetryableException) && job.attempt() < job.maxAttempts();
		logger.warn("Job " + job.id() + " (" + job.type() + ") attempt " + job.attempt() + " of " + job.maxAttempts()
				+ " failed" + (retry ? ", retrying" : ", giving up") + ": " + error);
		if (retry) {
			return new AttemptOutcome(job.id(), job.attempt(), JobState.PENDING, null, error,
					this.clock.instant().plus(this.backoff.delayAfter(job.attempt())));
		}
		return new AttemptOutcome(job.id(), job.attempt(), JobState.FAILED, null, error, null);
	}

	private @Nullable UUID jobId(Message message) {
		byte[] data = message.getData();
		// the body DefaultJobClient writes starts with the id: {"id":"<uuid>",...
		if (data.length > JOB_ID_END && data[JOB_ID_END] == '"' && startsWith(data, JOB_ID_START)) {
			try {
				return UUID.fromString(new String(data, JOB_ID_START.length, 36, StandardCharsets.ISO_8859_1));
			}
			catch (IllegalArgumentException ex) {
				// not a UUID after all: the general parse below decides
			}
		}
		try {
			JsonNode body = this.jsonMapper.readTree(message.getData());
			return UUID.fromString(body.path("id").asString());
		}
		catch (RuntimeException ex) {
			logger.error("Job queue " + this.queue + ": a message on " + message.getSubject() + " is not a Jetway job "
					+ "message; terminating it");
			return null;
		}
	}

	private static boolean startsWith(byte[] data, byte[] prefix) {
		for (int i = 0; i < prefix.length; i++) {
			if (data[i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private final class RunningJob implements JobContext {

		private final ClaimedJob job;

		private RunningJob(ClaimedJob job) {
			this.job = job;
		}

		@Override
		public UUID id() {
			return this.job.id();
		}

		@Override
		public String type() {
			return this.job.type();
		}

		@Override
		public String queue() {
			return this.job.queue();
		}

		@Override
		public int attempt() {
			return this.job.attempt();
		}

		@Override
		public void progress(double fraction, String message) {
			double bounded = Math.max(0, Math.min(1, fraction));
			JobWorker.this.repository.updateProgress(this.job.id(), this.job.attempt(), bounded, message,
					JobWorker.this.clock.instant());
			JobWorker.this.events.progress(this.job.id(), bounded, message);
		}

	}

}
