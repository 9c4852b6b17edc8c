package io.jetway.jobs.ojs;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobStatus;
import io.jetway.jobs.JobsProperties;
import io.jetway.jobs.ojs.OjsLeases.Lease;
import io.jetway.jobs.ojs.OjsLeases.Outcome;
import io.jetway.jobs.ojs.WorkerTokens.WorkerToken;
import io.nats.client.Message;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

/**
 * The worker side of the binding: FETCH claims jobs from the queues' consumers, ACK and
 * FAIL end leases with the job's outcome, BEAT extends them, and expired leases end as
 * failed attempts. Every transition is fenced by the lease (database), and the job's
 * message is settled through its stored reply subject after the commit.
 */
class OjsWorkers {

	private static final Logger logger = LoggerFactory.getLogger(OjsWorkers.class);

	/** How long a pull that finds no message waits, as {@code PullFetcher} does. */
	static final Duration EMPTY_PULL_WAIT = Duration.ofSeconds(1);

	private final JobClient jobs;

	private final JobsProperties jobsProperties;

	private final OjsLeases leases;

	private final OjsQueues queues;

	private final OjsJobView view;

	private final OjsJobRecords records;

	private final OjsWorkerStates workerStates;

	private final Duration defaultVisibility;

	private final OjsExpiries expiries;

	private final JsonMapper jsonMapper;

	private final Clock clock;

	private final OjsTransitions transitions;

	/** Runs after each claim; tests set it to inject a failure mid-FETCH. */
	volatile @Nullable Consumer<Lease> afterClaim;

	/**
	 * @param defaultVisibility the lease of a FETCH or heartbeat for a job when neither
	 * names one ({@code jetway.jobs.ojs.visibility-timeout})
	 */
	OjsWorkers(JobClient jobs, JobsProperties jobsProperties, OjsLeases leases, OjsQueues queues, OjsJobView view,
			OjsJobRecords records, OjsWorkerStates workerStates, Duration defaultVisibility, OjsExpiries expiries,
			OjsTransitions transitions, JsonMapper jsonMapper, Clock clock) {
		this.expiries = expiries;
		this.jobs = jobs;
		this.records = records;
		this.workerStates = workerStates;
		this.defaultVisibility = defaultVisibility;
		this.transitions = transitions;
		this.jobsProperties = jobsProperties;
		this.leases = leases;
		this.queues = queues;
		this.view = view;
		this.jsonMapper = jsonMapper;
		this.clock = clock;
	}

	/**
	 * Claims up to {@code count} jobs from the queues, in their order: what the queues
	 * hold now. Only while it has claimed nothing does a FETCH wait (up to a second per
	 * queue) for a job to arrive; once it holds jobs it answers with them rather than
	 * keep their leases running while it waits for more.
	 * @param visibility the FETCH's {@code visibility_timeout_ms}, or {@code null} for
	 * each job's own ({@code options.visibility_timeout_ms} at PUSH) or the default
	 * @return the claimed jobs as envelopes, each with its lease
	 */
	List<Map<String, Object>> fetch(List<String> queueNames, int count, @Nullable String workerId,
			@Nullable Duration visibility, WorkerToken worker) {
		queueNames.forEach(OjsQueues::checkName);
		queueNames.forEach(worker::checkAllows);
		queueNames.forEach(this.queues::ensure);
		List<Map<String, Object>> fetched = new ArrayList<>();
		List<Lease> claimed = new ArrayList<>();
		boolean pulled = false;
		try {
			for (String queue : queueNames) {
				if (this.jobs.isPaused(queue)) {
					// JobClient.pause (or POST /queues/{name}/pause) stops FETCH too
					continue;
				}
				pulled = true;
				boolean paused = false;
				while (!paused && fetched.size() < count) {
					int wanted = count - fetched.size();
					List<Message> messages = this.queues.pull(queue, wanted, fetched.isEmpty());
					if (messages.isEmpty()) {
						break;
					}
					List<@Nullable UUID> jobIds = messages.stream().map(this::jobId).toList();
					// the OJS records of the pulled jobs, in one query
					Map<UUID, OjsJobRecords.Record> records = this.records
						.findAll(jobIds.stream().filter(Objects::nonNull).toList());
					for (int i = 0; i < messages.size(); i++) {
						Message message = messages.get(i);
						// a pause while this FETCH pulled: the messages not claimed yet
						// go
						// back, their jobs' attempts unspent
						paused = paused || this.jobs.isPaused(queue);
						if (paused) {
							this.queues.redeliverAfter(message.getReplyTo(), Duration.ZERO);
						}
						else {
							claim(message, jobIds.get(i), records, workerId, visibility, claimed)
								.ifPresent(fetched::add);
						}
					}
					if (messages.size() < wanted && !fetched.isEmpty()) {
						// the queue held no more when pulled
						break;
					}
				}
			}
		}
		catch (RuntimeException ex) {
			release(claimed, ex);
			throw ex;
		}
		if (!pulled) {
			waitLikeAnEmptyPull();
		}
		return fetched;
	}

	/**
	 * Every queue of a FETCH is paused: answers after the wait of a pull that finds no
	 * message, so that workers polling paused queues do not spin.
	 */
	private void waitLikeAnEmptyPull() {
		try {
			Thread.sleep(EMPTY_PULL_WAIT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Gives back the claims of a FETCH that failed before answering: no worker has the
	 * jobs, so they must not wait for their leases to expire nor spend an attempt.
	 */
	private void release(List<Lease> claimed, RuntimeException failure) {
		for (Lease lease : claimed) {
			try {
				if (this.leases.release(lease, this.clock.instant())) {
					this.queues.redeliverAfter(lease.replySubject(), Duration.ZERO);
				}
			}
			catch (RuntimeException ex) {
				// the lease expires then, and the sweep ends the attempt
				failure.addSuppressed(ex);
			}
		}
	}

	private Optional<Map<String, Object>> claim(Message message, @Nullable UUID jobId,
			Map<UUID, OjsJobRecords.Record> records, @Nullable String workerId, @Nullable Duration visibility,
			List<Lease> claimed) {
		String replySubject = message.getReplyTo();
		if (jobId == null) {
			logger.warn("Acknowledging a message on {} that names no job", message.getSubject());
			this.queues.ack(replySubject);
			return Optional.empty();
		}
		Instant now = this.clock.instant();
		OjsJobRecords.Record record = records.getOrDefault(jobId, OjsJobRecords.Record.NONE);
		OjsJobPolicy policy = record.policy();
		Instant expiresAt = policy.capped(now.plus(policy.visibility(visibility, this.defaultVisibility)), now);
		Optional<Lease> lease = this.leases.claim(jobId, message.metaData().streamSequence(), replySubject, workerId,
				expiresAt, now);
		if (lease.isPresent()) {
			claimed.add(lease.get());
			Consumer<Lease> hook = this.afterClaim;
			if (hook != null) {
				hook.accept(lease.get());
			}
			JobStatus job = this.jobs.status(jobId).orElseThrow();
			this.transitions.published(job, null);
			Map<String, Object> envelope = this.view.envelope(job, record, this.clock.instant());
			envelope.put("lease",
					Map.of("token", lease.get().token(), "expires_at", lease.get().expiresAt().toString()));
			return Optional.of(envelope);
		}
		// an expired job is never claimed: discarded, its message is acknowledged below
		this.expiries.discardIfExpired(jobId, record, now);
		settleUnclaimed(jobId, message.metaData().streamSequence(), replySubject, now);
		return Optional.empty();
	}

	/** The message of a job FETCH could not claim: ended, not due, or leased already. */
	private void settleUnclaimed(UUID jobId, long streamSequence, String replySubject, Instant now) {
		Optional<JobStatus> job = this.jobs.status(jobId);
		// a staged job's message is not needed: ACTIVATE dispatches a new one
		if (job.isEmpty() || job.get().status().isFinal() || OjsJobView.isStaged(job.get())) {
			this.queues.ack(replySubject);
			return;
		}
		switch (job.get().status()) {
			case SCHEDULED, PENDING ->
				this.queues.redeliverAfter(replySubject, Duration.between(now, job.get().runAt()));
			case RUNNING -> {
				Optional<Lease> lease = this.leases.find(jobId);
				if (lease.isPresent() && lease.get().expiresAt().isAfter(now)) {
					if (!this.leases.isClaimedBy(jobId, streamSequence)) {
						// a second copy of the job's message: the claimed one settles
						// the job
						this.queues.ack(replySubject);
						return;
					}
					// the ack wait passed during a live lease: keep this delivery's
					// subject, through which the lease's outcome settles the message
					this.leases.replyTo(lease.get(), replySubject);
					this.queues.inProgress(replySubject);
				}
				else {
					lease.ifPresent((expired) -> expire(expired, now));
					this.queues.redeliverAfter(replySubject, Duration.ofSeconds(1));
				}
			}
			default -> this.queues.ack(replySubject);
		}
	}

	/** ACK: completes the job with the result. */
	Map<String, Object> ack(UUID jobId, @Nullable String leaseToken, @Nullable JsonNode result, WorkerToken worker) {
		Lease lease = currentLease(jobId, leaseToken, worker, "acknowledge");
		Instant now = this.clock.instant();
		String resultJson = (result != null && !result.isNull()) ? result.toString() : null;
		if (!this.leases.finish(lease, new Outcome("completed", resultJson, null, null, null), false, now)) {
			throw stale(jobId, "acknowledge");
		}
		this.queues.ack(lease.replySubject());
		this.transitions.published(jobId, null);
		return Map.of("acknowledged", true, "job_id", jobId.toString(), "id", jobId.toString(), "state", "completed",
				"completed_at", now.toString());
	}

	/**
	 * FAIL: retries the job after its backoff, or discards it; with {@code requeue} the
	 * worker gives the job back unprocessed (a terminating worker): it is due again at
	 * once, its attempt not spent.
	 */
	Map<String, Object> fail(UUID jobId, @Nullable String leaseToken, JsonNode error, boolean requeue,
			WorkerToken worker) {
		Lease lease = currentLease(jobId, leaseToken, worker, "fail");
		if (requeue) {
			return requeue(lease);
		}
		boolean retryable = !error.path("retryable").isBoolean() || error.path("retryable").booleanValue();
		return failAttempt(lease, this.jobs.status(jobId).orElse(null), this.records.find(jobId), error, retryable,
				false, this.clock.instant())
			.orElseThrow(() -> stale(jobId, "fail"));
	}

	private Map<String, Object> requeue(Lease lease) {
		if (!this.leases.release(lease, this.clock.instant())) {
			throw stale(lease.jobId(), "fail");
		}
		this.queues.redeliverAfter(lease.replySubject(), Duration.ZERO);
		return Map.of("job_id", lease.jobId().toString(), "id", lease.jobId().toString(), "state", "available",
				"attempt", lease.attempt() - 1, "requeued", true);
	}

	/**
	 * Ends the attempt of a lease as failed: retried while attempts are left and the
	 * error is retryable (and not one of the job's {@code non_retryable_errors}), after
	 * the job's retry policy's delay (the queue's backoff without one; at once when the
	 * lease expired: the visibility timeout was the wait), discarded otherwise. The error
	 * joins the job's error history.
	 */
	private Optional<Map<String, Object>> failAttempt(Lease lease, @Nullable JobStatus job, OjsJobRecords.Record record,
			JsonNode error, boolean retryable, boolean expired, Instant now) {
		if (job == null) {
			return Optional.empty();
		}
		OjsRetryPolicy policy = record.policy().retry();
		boolean retry = retryable && lease.attempt() < job.maxAttempts()
				&& (policy == null || !policy.isNonRetryable(errorType(error)));
		Duration delay = !retry || expired ? Duration.ZERO
				: (policy != null) ? policy.delayAfter(lease.attempt(), ThreadLocalRandom.current())
						: this.jobsProperties.queue(job.queue())
							.getBackoff()
							.toBackoff("jetway.jobs.queues." + job.queue() + ".backoff")
							.delayAfter(lease.attempt());
		Instant runAt = retry ? now.plus(delay) : null;
		Outcome outcome = new Outcome(retry ? "pending" : "failed", null, error.toString(), runAt,
				this.records.append(record.errors(), error, lease.attempt(), now));
		if (!this.leases.finish(lease, outcome, expired, now)) {
			return Optional.empty();
		}
		this.transitions.published(lease.jobId(), error.toString());
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("job_id", lease.jobId().toString());
		answer.put("id", lease.jobId().toString());
		answer.put("attempt", lease.attempt());
		answer.put("max_attempts", job.maxAttempts());
		if (runAt != null) {
			this.queues.redeliverAfter(lease.replySubject(), delay);
			answer.put("state", "retryable");
			answer.put("next_attempt_at", runAt.toString());
			answer.put("retry_delay_ms", delay.toMillis());
			return Optional.of(answer);
		}
		this.queues.ack(lease.replySubject());
		answer.put("state", "discarded");
		answer.put("discarded_at", now.toString());
		answer.put("completed_at", now.toString());
		return Optional.of(answer);
	}

	/**
	 * @return the type {@code non_retryable_errors} are matched against: the error's
	 * {@code type}, else its {@code details.error_class}, else its {@code code}
	 */
	private static @Nullable String errorType(JsonNode error) {
		for (JsonNode type : List.of(error.path("type"), error.path("details").path("error_class"),
				error.path("code"))) {
			if (type.isString() && !type.asString().isEmpty()) {
				return type.asString();
			}
		}
		return null;
	}

	/**
	 * Ends an expired lease as a failed attempt, once across instances: {@code timeout}
	 * when the job's execution timeout ({@code timeout_ms}) ended it, else
	 * {@code handler_timeout} (no ACK, FAIL or heartbeat within the visibility timeout).
	 * @return whether this call ended it
	 */
	boolean expire(Lease lease, Instant now) {
		JobStatus job = this.jobs.status(lease.jobId()).orElse(null);
		OjsJobRecords.Record record = this.records.find(lease.jobId());
		Duration timeout = record.policy().timeout();
		boolean timedOut = timeout != null && job != null && job.startedAt() != null
				&& !lease.expiresAt().isBefore(job.startedAt().plus(timeout));
		Map<String, Object> error = timedOut
				? Map.of("code", "timeout", "type", "timeout", "message",
						"attempt " + lease.attempt() + " ran longer than its timeout_ms of " + timeout.toMillis()
								+ " (at " + lease.expiresAt() + ")",
						"retryable", true)
				: Map.of("code", "handler_timeout", "message", "the lease of attempt " + lease.attempt()
						+ " expired at " + lease.expiresAt() + " without ACK, FAIL or heartbeat", "retryable", true);
		return failAttempt(lease, job, record, this.jsonMapper.valueToTree(error), true, true, now).isPresent();
	}

	/**
	 * BEAT: extends the live leases of the jobs; a job given with a lease token only when
	 * that token is still its lease's, one given without it whatever its current lease. A
	 * lease is extended by the BEAT's visibility timeout, else the job's own, else the
	 * default, and never past the attempt's execution timeout. The policies of the jobs
	 * are read in one query.
	 * @param beats job ids and the lease token of each, or {@code null}
	 * @param visibility the BEAT's {@code visibility_timeout_ms}, or {@code null}
	 * @param workerId the BEAT's {@code worker_id}, or {@code null}
	 * @return the extended jobs and the state the worker is asked to be in
	 */
	Heartbeat heartbeat(Map<UUID, @Nullable String> beats, @Nullable Duration visibility, @Nullable String workerId,
			WorkerToken worker) {
		Instant now = this.clock.instant();
		Map<UUID, OjsJobPolicy> policies = beats.isEmpty() ? Map.of() : this.records.findPolicies(beats.keySet());
		List<String> extended = new ArrayList<>();
		List<String> directives = new ArrayList<>();
		for (Map.Entry<UUID, @Nullable String> beat : beats.entrySet()) {
			UUID jobId = beat.getKey();
			Optional<Lease> lease = this.leases.find(jobId);
			if (lease.isEmpty() || (beat.getValue() != null && !beat.getValue().equals(lease.get().token()))) {
				continue;
			}
			Optional<JobStatus> job = this.jobs.status(jobId);
			job.ifPresent((status) -> worker.checkAllows(status.queue()));
			OjsJobPolicy policy = policies.getOrDefault(jobId, OjsJobPolicy.NONE);
			Instant until = policy.capped(now.plus(policy.visibility(visibility, this.defaultVisibility)),
					job.map(JobStatus::startedAt).orElse(null));
			if (this.leases.extend(lease.get(), until, now)) {
				this.queues.inProgress(lease.get().replySubject());
				extended.add(jobId.toString());
				if (policy.testDirective() != null
						&& (lease.get().workerId() == null || lease.get().workerId().equals(workerId))) {
					directives.add(policy.testDirective());
				}
			}
		}
		return new Heartbeat(extended, workerState(workerId, directives, now));
	}

	/**
	 * Records a worker's heartbeat; with test directives on, the
	 * {@code options.metadata.test_directive} of a job whose lease it holds first asks
	 * the worker to change state.
	 * @return the state the worker is asked to be in
	 */
	private String workerState(@Nullable String workerId, List<String> directives, Instant now) {
		if (workerId == null) {
			return "running";
		}
		for (String directive : directives) {
			this.workerStates.ask(workerId, directive, now);
		}
		return this.workerStates.beat(workerId, now);
	}

	/**
	 * Asks a worker to change state at its next heartbeat.
	 * @return the state it is asked to be in now ({@code terminate} stays)
	 */
	String askWorker(String workerId, String state) {
		return this.workerStates.ask(workerId, state, this.clock.instant());
	}

	/**
	 * Forgets the states of workers silent since before {@code silentSince}.
	 * @return how many were forgotten
	 */
	int forgetWorkersSilentSince(Instant silentSince) {
		return this.workerStates.forgetSilentSince(silentSince);
	}

	/**
	 * Forgets what a worker was asked to be in (a {@code terminate} included).
	 * @return whether a state was stored
	 */
	boolean forgetWorker(String workerId) {
		return this.workerStates.forget(workerId);
	}

	private Lease currentLease(UUID jobId, @Nullable String leaseToken, WorkerToken worker, String operation) {
		JobStatus job = this.jobs.status(jobId).orElseThrow(() -> OjsException.notFound(jobId.toString()));
		worker.checkAllows(job.queue());
		Optional<Lease> lease = this.leases.find(jobId);
		if (lease.isEmpty() || (leaseToken != null && !leaseToken.equals(lease.get().token()))
				|| !lease.get().expiresAt().isAfter(this.clock.instant())) {
			throw stale(jobId, operation);
		}
		return lease.get();
	}

	private OjsException stale(UUID jobId, String operation) {
		String state = this.jobs.status(jobId)
			.map((job) -> OjsJobView.state(job, this.clock.instant()))
			.orElse("unknown");
		return new OjsException(HttpStatus.CONFLICT, "conflict",
				"Cannot " + operation + " job '" + jobId + "': the lease is not current (the job is '" + state
						+ "'; its lease expired, was replaced by a later fetch, or the job ended)",
				Map.of("job_id", jobId.toString(), "current_state", state, "expected_state", "active"));
	}

	/**
	 * A heartbeat's answer.
	 *
	 * @param extended the ids of the jobs whose leases it extended
	 * @param state the state the worker is asked to be in
	 */
	record Heartbeat(List<String> extended, String state) {
	}

	private @Nullable UUID jobId(Message message) {
		try {
			JsonNode body = this.jsonMapper.readTree(new String(message.getData(), StandardCharsets.UTF_8));
			return UUID.fromString(body.path("id").asString());
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return null;
		}
	}

}
