package io.jetway.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.jetway.consumer.ConsumerEnsurer;
import io.jetway.consumer.InFlightMessages;
import io.jetway.consumer.PullFetcher;
import io.jetway.jobs.JobHandBacks.HandedBack;
import io.jetway.jobs.JobRepository.ClaimedJob;
import io.jetway.jobs.JobsProperties.QueueProperties;
import io.jetway.observation.JobObservationConvention;
import io.jetway.support.Backoff;
import io.jetway.support.RateLimitedWarning;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.api.ConsumerConfiguration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the jobs of one queue on this instance: a durable pull consumer on the queue's
 * subject, never more than the queue's concurrency handlers at once (while handlers are
 * short, the next batch is fetched and claimed while the current one runs: see
 * {@link JobSlots}). A fetched batch is claimed in one statement ({@link JobClaimer});
 * each claimed job runs on the queue's {@link JobThreadPool} ({@link JobAttemptRunner})
 * and keeps its message alive with in-progress acks; outcomes go to
 * {@link JobCompletions}, which commits them in groups and then acknowledges or
 * redelivers each message.
 */
public class JobWorker {

	private static final Log logger = LogFactory.getLog(JobWorker.class);

	private final String queue;

	private final String stream;

	private final String subject;

	private final QueueProperties properties;

	private final Backoff backoff;

	private final RateLimitedWarning fetchWarning = new RateLimitedWarning(logger, Duration.ofMinutes(1));

	private final ConsumerEnsurer ensurer;

	private final JobHandlers handlers;

	private final JobRepository repository;

	private final JobCompletions completions;

	private final JobEvents events;

	private final JobMessageIds ids;

	private final Predicate<String> paused;

	private final Clock clock;

	private final InFlightMessages inFlight = new InFlightMessages();

	private final JobHandBacks handBacks;

	private final @Nullable TransactionTemplate transactions;

	private volatile boolean running;

	/** Used by the fetch thread only. */
	private final PullFetcher fetcher;

	private JobSlots slots = new JobSlots(1);

	private @Nullable Thread fetchThread;

	private @Nullable JobThreadPool pool;

	private @Nullable ScheduledThreadPoolExecutor timers;

	private @Nullable JobClaimer claimer;

	private @Nullable JobAttemptRunner runner;

	private Observations observations = Observations.NONE;

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
		this.ids = new JobMessageIds(queue, jsonMapper);
		this.paused = paused;
		this.clock = clock;
		this.handBacks = new JobHandBacks(repository, clock);
	}

	/**
	 * Makes each attempt a {@code jetway.job} observation.
	 * @param registry the registry
	 * @param convention replaces
	 * {@link io.jetway.observation.DefaultJobObservationConvention} when not {@code null}
	 * @return this worker
	 */
	JobWorker observedBy(ObservationRegistry registry, @Nullable JobObservationConvention convention) {
		this.observations = new Observations(registry, convention);
		return this;
	}

	/**
	 * Where job attempts are observed.
	 *
	 * @param registry the registry
	 * @param convention the convention, or {@code null} for the default
	 */
	record Observations(ObservationRegistry registry, @Nullable JobObservationConvention convention) {

		static final Observations NONE = new Observations(ObservationRegistry.NOOP, null);

	}

	/** The durable consumer's name for a queue. */
	static String consumerName(String queue) {
		return JobQueueConsumers.name(queue);
	}

	synchronized void start() {
		if (this.running) {
			return;
		}
		ConsumerConfiguration configuration = JobQueueConsumers.configuration(this.queue, this.subject,
				this.properties);
		try {
			this.ensurer.ensure(this.stream, configuration);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create the consumer of job queue '" + this.queue + "' on "
					+ "stream " + this.stream + ": " + ex.getMessage(), ex);
		}
		int concurrency = Math.max(1, this.properties.getConcurrency());
		JobSlots slots = new JobSlots(concurrency);
		this.slots = slots;
		JobThreadPool pool = new JobThreadPool(this.queue, concurrency);
		this.pool = pool;
		ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
				new CustomizableThreadFactory("jetway-jobs-" + this.queue + "-timer-"));
		timers.setRemoveOnCancelPolicy(true);
		this.timers = timers;
		long heartbeat = Math.max(200, this.properties.getAckWait().toMillis() / 3);
		timers.scheduleAtFixedRate(this.inFlight::sendInProgress, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
		this.claimer = new JobClaimer(this.queue, this.repository, this.events, this.clock, this.ids, slots);
		TransactionalJobRunner transactional = new TransactionalJobRunner(this.transactions, this.repository,
				this.events, this.clock, () -> this.running,
				() -> JobTimeoutException.after(this.properties.getTimeout(), this.queue));
		this.runner = new JobAttemptRunner(this.queue, this.properties, this.backoff, this.handlers, this.repository,
				this.completions, this.events, this.clock, this.inFlight, slots, pool, timers, transactional,
				this.handBacks, this.observations);
		this.running = true;
		Thread thread = new Thread(this::fetchLoop, "jetway-jobs-" + this.queue + "-fetch");
		this.fetchThread = thread;
		thread.start();
	}

	/**
	 * Stops fetching and waits for running jobs up to {@code timeout}; jobs still running
	 * then are interrupted, and those that throw for it are handed back like the jobs
	 * that never got a thread: their claims taken back, so the stop spends no attempt.
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
		JobThreadPool pool = this.pool;
		if (pool != null) {
			pool.stop(timeout, this::handBack);
		}
		if (this.timers != null) {
			this.timers.shutdownNow();
		}
	}

	/**
	 * Hands back the messages of claimed jobs that never got a thread, their claims taken
	 * back first ({@link JobHandBacks}): redelivered at once (to another instance, or
	 * this one's next start), where they run as the same attempt.
	 */
	private void handBack(List<Runnable> neverStarted) {
		List<HandedBack> held = new ArrayList<>();
		for (Runnable task : neverStarted) {
			if (task instanceof HeldJob job) {
				this.inFlight.remove(job.message);
				held.add(new HandedBack(job.job.id(), job.job.attempt(), job.message));
			}
		}
		try {
			this.handBacks.handBack(held, Duration.ZERO);
		}
		finally {
			this.slots.release(held.size());
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
					this.fetchWarning
						.warn("Job queue " + this.queue + ": fetch or claim failed, retrying every second: " + ex);
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
			this.fetchWarning.clear("Job queue " + this.queue + ": fetching works again");
			return;
		}
		JobClaimer claimer = this.claimer;
		if (this.paused.test(this.queue)) {
			// paused while this pull waited: hand the jobs back untouched
			messages.forEach((message) -> claimer.settle(message,
					(handedBack) -> handedBack.nakWithDelay(JobClaimer.RETRY_DELAY)));
			return;
		}
		claimer.claim(messages, this::start);
		this.fetchWarning.clear("Job queue " + this.queue + ": fetching works again");
	}

	/**
	 * Hands a claimed job to the thread pool; it keeps its slot until its handler
	 * returns.
	 */
	private void start(ClaimedJob job, Message message) {
		// kept alive from now: it may wait for a thread behind the jobs running now
		this.inFlight.add(message);
		try {
			this.pool.execute(new HeldJob(job, message, this.runner));
		}
		catch (RejectedExecutionException ex) {
			// stopping: handed back for another instance or the next start
			this.inFlight.remove(message);
			try {
				this.handBacks.handBack(List.of(new HandedBack(job.id(), job.attempt(), message)), Duration.ZERO);
			}
			finally {
				this.slots.release(1);
			}
		}
	}

	/**
	 * A claimed job waiting for, or running on, a thread of the pool.
	 */
	private record HeldJob(ClaimedJob job, Message message, JobAttemptRunner runner) implements Runnable {

		@Override
		public void run() {
			this.runner.run(this.job, this.message);
		}

	}

}
