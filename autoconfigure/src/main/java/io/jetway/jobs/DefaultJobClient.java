package io.jetway.jobs;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.jetway.jobs.JobMessages.JobMessage;
import io.jetway.jobs.JobRepository.NewJob;
import io.jetway.observation.DefaultPublishObservationConvention;
import io.jetway.observation.JetwayObservationDocumentation;
import io.jetway.observation.PublishObservationContext;
import io.jetway.observation.PublishObservationConvention;
import io.jetway.publish.JetwayHeaders;
import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.OutgoingMessage;
import io.jetway.support.MessageIds;
import io.jetway.support.SeparateTransactions;
import io.jetway.support.TransactionBuffer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.impl.Headers;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@link JobClient}: job rows in {@code jetway_jobs}; a job's message is published
 * after the commit by the {@link JobDispatcher} when there is one (PostgreSQL),
 * otherwise, and for delayed jobs and retries, it goes through the outbox.
 */
public class DefaultJobClient implements JobClient {

	/**
	 * Logical subject prefix of job messages of queues without a subject template
	 * ({@link JobSubjects}); the queue follows.
	 */
	public static final String QUEUE_SUBJECT_PREFIX = "jetway.jobs.queue.";

	private final JobHandlers handlers;

	private final JobRepository repository;

	private final JetwayPublisher publisher;

	private final TransactionTemplate transactions;

	private final JobsProperties properties;

	private final JsonMapper jsonMapper;

	private final JobMetaWriter metaWriter;

	private final JobWebhookUrlValidator webhookUrls;

	private final JobEvents events;

	private final JobObserver observer;

	private final PausedQueues pausedQueues;

	private final Clock clock;

	private final PendingJobInserts pendingInserts;

	private final JobSubjects subjects;

	private final SeparateTransactions separateTransactions;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable PublishObservationConvention publishObservationConvention;

	public DefaultJobClient(JobHandlers handlers, JobRepository repository, JetwayPublisher publisher,
			TransactionTemplate transactions, JobsProperties properties, JsonMapper jsonMapper,
			JobWebhookUrlValidator webhookUrls, JobEvents events, JobObserver observer, PausedQueues pausedQueues,
			@Nullable JobDispatcher dispatcher, Clock clock) {
		this(handlers, repository, publisher, transactions, properties, jsonMapper, webhookUrls, events, observer,
				pausedQueues, dispatcher, clock, JobSubjects.builtIn());
	}

	/**
	 * @param subjects the subjects of job messages, from the queues' subject templates
	 */
	public DefaultJobClient(JobHandlers handlers, JobRepository repository, JetwayPublisher publisher,
			TransactionTemplate transactions, JobsProperties properties, JsonMapper jsonMapper,
			JobWebhookUrlValidator webhookUrls, JobEvents events, JobObserver observer, PausedQueues pausedQueues,
			@Nullable JobDispatcher dispatcher, Clock clock, JobSubjects subjects) {
		this.subjects = subjects;
		this.pausedQueues = pausedQueues;
		this.handlers = handlers;
		this.repository = repository;
		this.publisher = publisher;
		this.transactions = transactions;
		this.properties = properties;
		this.jsonMapper = jsonMapper;
		this.metaWriter = new JobMetaWriter(jsonMapper);
		this.webhookUrls = webhookUrls;
		this.events = events;
		this.observer = observer;
		this.clock = clock;
		this.separateTransactions = SeparateTransactions.of(transactions);
		this.pendingInserts = new PendingJobInserts(repository, dispatcher, this.separateTransactions);
	}

	/**
	 * Sets the registry of the {@code jetway.publish} observation made for every enqueue;
	 * with a tracing bridge, the job row stores its W3C {@code traceparent}, which the
	 * job's attempts and webhook continue.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Replaces {@link DefaultPublishObservationConvention} for enqueues.
	 * @param publishObservationConvention the convention, or {@code null} for the default
	 */
	public void setPublishObservationConvention(@Nullable PublishObservationConvention publishObservationConvention) {
		this.publishObservationConvention = publishObservationConvention;
	}

	@Override
	public UUID enqueue(String type, Object payload, JobOptions options) {
		JobHandlerMethod handler = this.handlers.get(type);
		if (handler == null && (options.queue() == null || !this.properties.queue(options.queue()).isExternal())) {
			// a type without a handler is run only by external workers, on an external
			// queue
			throw new UnknownJobTypeException(type, this.handlers.types());
		}
		String json = serialize(type, payload);
		String meta = this.metaWriter.write(options.meta(), type);
		if (options.webhookUrl() != null) {
			this.webhookUrls.validate(options.webhookUrl());
		}
		if (options.delay() != null && options.delay().isNegative()) {
			throw new IllegalArgumentException("The delay of job type '" + type + "' is negative (" + options.delay()
					+ "); give a delay of zero or more");
		}
		String queue = (options.queue() != null) ? QueueNames.check(options.queue(), "JobOptions.queue")
				: Objects.requireNonNull(handler).queue();
		String subject = this.subjects.subject(queue, meta, type);
		int maxAttempts = (options.maxAttempts() != null) ? options.maxAttempts()
				: this.properties.queue(queue).getMaxAttempts();
		// the precision every database keeps, so that the job's message id
		// (JobMessages.messageId) is the same from the row as from this instant
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		Instant runAt = options.runAt(now);
		boolean delayed = runAt.isAfter(now);
		// the dispatcher takes a job after the commit, so only where the transaction can
		// say when that is (the outbox writer needs the same)
		boolean direct = this.pendingInserts.dispatchesDirectly() && !delayed
				&& (TransactionSynchronizationManager.isSynchronizationActive()
						|| !TransactionSynchronizationManager.isActualTransactionActive());
		UUID jobId = (options.id() != null) ? options.id() : MessageIds.next();
		// the carrier a tracing bridge injects the enqueuing trace into, stored with the
		// row
		Headers trace = new Headers();
		Observation observation = JetwayObservationDocumentation.PUBLISH.observation(this.publishObservationConvention,
				DefaultPublishObservationConvention.INSTANCE,
				() -> new PublishObservationContext(subject, type, JobMessages.messageId(jobId, now).toString(), trace),
				this.observationRegistry);
		return observation.observe(
				() -> insert(
						new NewJob(jobId, type, queue, delayed ? JobState.SCHEDULED : JobState.PENDING, maxAttempts,
								json, options.idempotencyKey(), options.webhookUrl(), now, delayed ? runAt : now,
								direct, trace.getFirst(JetwayHeaders.TRACEPARENT), meta),
						subject, options, runAt, delayed));
	}

	private UUID insert(NewJob job, String subject, JobOptions options, Instant runAt, boolean delayed) {
		String type = job.type();
		String queue = job.queue();
		boolean direct = job.direct();
		UUID id = inTransaction(() -> {
			if (options.id() != null) {
				insertWithGivenId(job);
			}
			else if (options.idempotencyKey() == null) {
				// nothing to ask the database: inserted with the transaction's other jobs
				this.pendingInserts.add(job);
			}
			else if (this.repository.insert(job)) {
				this.pendingInserts.inserted(job);
			}
			else {
				Optional<UUID> existing = this.repository.findIdByIdempotencyKey(options.idempotencyKey());
				if (existing.isPresent()) {
					return existing.get();
				}
				// the key's job was deleted (job retention) after the insert saw it: the
				// key is free now
				if (!this.repository.insert(job)) {
					throw new IllegalStateException("Job with idempotency key '" + options.idempotencyKey()
							+ "' vanished while enqueueing, twice");
				}
				this.pendingInserts.inserted(job);
			}
			// a held job has no message until runNow dispatches one
			if (!direct && runAt.isBefore(JobOptions.HELD)) {
				JobMessage message = new JobMessage(job.id(), type, queue, job.meta(), job.createdAt());
				dispatch(message, subject, JobMessages.messageId(message), delayed ? runAt : null);
			}
			afterCommit(() -> {
				this.observer.enqueued(queue, type);
				this.events.transition(job.id(), type, queue, job.state(), 0, null, job.meta());
			});
			return job.id();
		});
		return id;
	}

	/**
	 * Inserts a job whose id the caller gave, at once, so that a duplicate id fails the
	 * enqueue (and not a later flush).
	 * @throws DuplicateJobException when a job with that id exists
	 */
	private void insertWithGivenId(NewJob job) {
		this.pendingInserts.flush();
		// one statement that leaves the caller's transaction usable on a duplicate, also
		// one a concurrent transaction inserts
		if (!this.repository.insert(job)) {
			throw new DuplicateJobException(job.id(), null);
		}
		this.pendingInserts.inserted(job);
	}

	@Override
	public Optional<JobStatus> status(UUID id) {
		this.pendingInserts.flush();
		return this.repository.findById(id);
	}

	@Override
	public boolean cancel(UUID id) {
		this.pendingInserts.flush();
		boolean cancelled = isAfterItsTransaction()
				? this.separateTransactions.call(() -> this.repository.cancel(id, this.clock.instant()))
				: this.repository.cancel(id, this.clock.instant());
		if (cancelled) {
			this.repository.findById(id)
				.ifPresent((job) -> this.events.transition(id, job.type(), job.queue(), JobState.CANCELLED,
						job.attempts(), null, job.meta()));
		}
		return cancelled;
	}

	@Override
	public boolean retry(UUID id) {
		return dispatchAgain(id, () -> this.repository.resetFailed(id, this.clock.instant()));
	}

	@Override
	public boolean runNow(UUID id) {
		// the delayed message still waits in the outbox; whichever arrives first claims
		// the job, the other finds it taken and claims nothing
		return dispatchAgain(id, () -> this.repository.runScheduledNow(id, this.clock.instant()));
	}

	/**
	 * Makes a job pending again and dispatches a new message for it, in one transaction.
	 * @param change the conditional update of the job's row, false when it changed
	 * nothing
	 * @return whether the job changed
	 */
	private boolean dispatchAgain(UUID id, BooleanSupplier change) {
		this.pendingInserts.flush();
		Boolean dispatched = inTransaction(() -> {
			Optional<JobStatus> job = this.repository.findById(id);
			if (job.isEmpty() || !change.getAsBoolean()) {
				return false;
			}
			// a new message id: the original's may still be in the stream's duplicate
			// window
			JobMessage message = new JobMessage(id, job.get().type(), job.get().queue(), job.get().meta(),
					job.get().createdAt());
			dispatch(message, this.subjects.dispatchSubject(message.queue(), message.meta()), MessageIds.next(), null);
			return true;
		});
		return Boolean.TRUE.equals(dispatched);
	}

	@Override
	public List<JobStatus> find(JobQuery query, int offset, int limit) {
		if (offset < 0 || limit < 1) {
			throw new IllegalArgumentException(
					"offset must be 0 or more and limit 1 or more, were " + offset + " and " + limit);
		}
		this.pendingInserts.flush();
		return this.repository.find(query, offset, limit);
	}

	@Override
	public void pause(String queue) {
		this.repository.setPaused(queue, true, this.clock.instant());
		this.pausedQueues.invalidate();
	}

	@Override
	public void resume(String queue) {
		this.repository.setPaused(queue, false, this.clock.instant());
		this.pausedQueues.invalidate();
	}

	@Override
	public boolean isPaused(String queue) {
		return this.repository.pausedQueues().contains(queue);
	}

	/**
	 * Publishes the job's message through the outbox, in the current transaction.
	 */
	private void dispatch(JobMessage job, String subject, UUID messageId, @Nullable Instant notBefore) {
		OutgoingMessage.Builder message = JobMessages.message(job, subject, messageId);
		if (notBefore != null) {
			message.notBefore(notBefore);
		}
		this.publisher.publish(message.build());
	}

	private String serialize(String type, Object payload) {
		try {
			return this.jsonMapper.writeValueAsString(payload);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"The payload of job type '" + type + "' (" + payload.getClass().getName()
							+ ") cannot be serialized to JSON: " + ex.getOriginalMessage() + ". Nothing was stored.",
					ex);
		}
	}

	private static void afterCommit(Runnable action) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					action.run();
				}

				// before the job's message is handed to the outbox relay or the
				// dispatcher: the job's "pending" event then goes out before any worker
				// can report "running"
				@Override
				public int getOrder() {
					return Ordered.LOWEST_PRECEDENCE - 1;
				}

			});
		}
		else {
			action.run();
		}
	}

	/**
	 * Runs {@code work} in the current transaction, or in one of its own when there is
	 * none or the current one has finished (a synchronization's {@code afterCommit} or
	 * {@code afterCompletion}): a job's row and its message are then written and
	 * committed together, and a failure is thrown to the caller.
	 */
	private <T> T inTransaction(Supplier<T> work) {
		if (isAfterItsTransaction()) {
			return this.separateTransactions.call(work);
		}
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			return work.get();
		}
		return this.transactions.execute((status) -> work.get());
	}

	/**
	 * Whether the current transaction has finished (committed, or completed) and still
	 * holds its connection, where a write would commit only when Spring releases it.
	 */
	private static boolean isAfterItsTransaction() {
		return TransactionBuffer.isAfterCommit() || isAfterCompletion();
	}

	/**
	 * Whether the current transaction has finished and runs its synchronizations'
	 * {@code afterCompletion} ({@code @TransactionalEventListener}, also with
	 * {@code phase = AFTER_COMMIT}): Spring has cleared the synchronizations but still
	 * holds the transaction's connection, where work would be committed only when the
	 * connection is released, and a job's message would be published before its row.
	 * Outside a completion, an actual transaction always has synchronization (Spring sets
	 * neither without the other).
	 */
	private static boolean isAfterCompletion() {
		return TransactionSynchronizationManager.isActualTransactionActive()
				&& !TransactionSynchronizationManager.isSynchronizationActive();
	}

}
