package io.jetway.jobs.ojs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobOptions;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import io.jetway.jobs.UnknownJobTypeException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The producer side of the binding: PUSH validates the envelope and enqueues an ordinary
 * Jetway job (its {@code args} as the payload), INFO and CANCEL.
 */
class OjsProducers {

	/** The most jobs one batch PUSH may hold. */
	static final int MAX_BATCH = 1000;

	private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,254}");

	private final JobClient jobs;

	private final OjsQueues queues;

	private final OjsLeases leases;

	private final OjsJobView view;

	private final Clock clock;

	private final JsonMapper jsonMapper;

	private final TransactionTemplate transactions;

	OjsProducers(JobClient jobs, OjsQueues queues, OjsLeases leases, OjsJobView view, JsonMapper jsonMapper,
			TransactionTemplate transactions, Clock clock) {
		this.jobs = jobs;
		this.transactions = transactions;
		this.jsonMapper = jsonMapper;
		this.queues = queues;
		this.leases = leases;
		this.view = view;
		this.clock = clock;
	}

	Map<String, Object> push(JsonNode envelope) {
		return enqueue(prepare(envelope, ""));
	}

	/**
	 * Batch PUSH: validates every envelope first, then enqueues them all in one
	 * transaction, so either all jobs are enqueued or none is.
	 */
	List<Map<String, Object>> pushBatch(JsonNode jobs) {
		if (!jobs.isArray() || jobs.isEmpty() || jobs.size() > MAX_BATCH) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_request",
					"The 'jobs' field is required: an array of 1 to " + MAX_BATCH + " job envelopes",
					Map.of("field", "jobs"));
		}
		List<Prepared> prepared = new ArrayList<>();
		for (int i = 0; i < jobs.size(); i++) {
			prepared.add(prepare(jobs.get(i), "Batch validation failed: job at index " + i + ": "));
		}
		List<UUID> ids = this.transactions.execute((status) -> {
			List<UUID> enqueued = new ArrayList<>();
			for (int i = 0; i < prepared.size(); i++) {
				enqueued.add(enqueueJob(prepared.get(i), "Batch validation failed: job at index " + i + ": "));
			}
			return enqueued;
		});
		return Objects.requireNonNull(ids).stream().map(this::enqueued).toList();
	}

	/**
	 * ACTIVATE: a staged ({@code pending}) job becomes available.
	 */
	Map<String, Object> activate(UUID id) {
		JobStatus before = info(id);
		Instant now = this.clock.instant();
		String previous = OjsJobView.state(before, now);
		if (!OjsJobView.isStaged(before) || !this.jobs.runNow(id)) {
			String state = OjsJobView.state(info(id), now);
			throw new OjsException(HttpStatus.CONFLICT, "invalid_request",
					"Cannot activate job in state '" + state + "'. Only jobs in 'pending' state can be activated.",
					Map.of("job_id", id.toString(), "current_state", state));
		}
		this.leases.deleteOutboxRow(id);
		Map<String, Object> envelope = this.view.envelope(info(id), now);
		envelope.put("activated_at", now.toString());
		envelope.put("previous_state", previous);
		return envelope;
	}

	private Map<String, Object> enqueue(Prepared job) {
		return enqueued(enqueueJob(job, ""));
	}

	/**
	 * The envelope of a job just enqueued. A staged job is a scheduled one at
	 * {@link OjsJobView#STAGED}: its message, waiting in the outbox until then, is not
	 * needed (ACTIVATE dispatches a new one), so its row is deleted.
	 */
	private Map<String, Object> enqueued(UUID id) {
		JobStatus job = info(id);
		if (OjsJobView.isStaged(job)) {
			this.leases.deleteOutboxRow(id);
		}
		return this.view.envelope(job, this.clock.instant());
	}

	private UUID enqueueJob(Prepared job, String context) {
		if (this.queues.isExternal(job.queue())) {
			this.queues.ensure(job.queue());
		}
		try {
			return this.jobs.enqueue(job.type(), job.args(), job.options());
		}
		catch (UnknownJobTypeException ex) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_job_type", context + ex.getMessage(),
					Map.of("field", "type"));
		}
	}

	/** A validated envelope. */
	private record Prepared(String type, JsonNode args, String queue, JobOptions options) {
	}

	private Prepared prepare(JsonNode envelope, String context) {
		if (!envelope.isObject()) {
			throw invalidPayload(context + "The request body must be a JSON object (a job envelope)", "body");
		}
		JsonNode type = envelope.path("type");
		if (!type.isString() || !TYPE.matcher(type.asString()).matches()) {
			throw invalidPayload(context + "The 'type' field is required: a string of letters, digits, '.', '_' and "
					+ "'-', such as email.send", "type");
		}
		JsonNode args = envelope.path("args");
		if (!args.isArray()) {
			throw invalidPayload(context + "The 'args' field must be a JSON array", "args");
		}
		JsonNode meta = envelope.path("meta");
		if (!meta.isMissingNode() && !meta.isNull() && !meta.isObject()) {
			throw invalidPayload(context + "The 'meta' field must be a JSON object", "meta");
		}
		JsonNode options = envelope.path("options");
		if (!options.isMissingNode() && !options.isObject()) {
			throw invalidPayload(context + "The 'options' field must be a JSON object", "options");
		}
		String queue = OjsQueues
			.checkName(options.path("queue").isString() ? options.path("queue").asString() : "default");
		JobOptions.Builder jobOptions = JobOptions.builder().queue(queue);
		if (meta.isObject()) {
			if (meta.toString().length() > JobOptions.MAX_META_LENGTH) {
				throw new OjsException(HttpStatus.PAYLOAD_TOO_LARGE, "metadata_too_large",
						context + "The 'meta' object is " + meta.toString().length()
								+ " characters as JSON, more than the " + JobOptions.MAX_META_LENGTH
								+ " allowed: it travels in a message header; put larger data in 'args'",
						Map.of("field", "meta"));
			}
			jobOptions.meta(this.jsonMapper.convertValue(meta, new TypeReference<Map<String, Object>>() {
			}));
		}
		JsonNode maxAttempts = options.path("retry").path("max_attempts");
		if (!maxAttempts.isMissingNode()) {
			if (!maxAttempts.isIntegralNumber() || maxAttempts.intValue() < 1) {
				throw invalidPayload(context + "options.retry.max_attempts must be an integer of 1 or more",
						"max_attempts");
			}
			jobOptions.maxAttempts(maxAttempts.intValue());
		}
		JsonNode pending = options.path("pending");
		if (!pending.isMissingNode() && !pending.isBoolean()) {
			throw invalidPayload(context + "options.pending must be true or false", "pending");
		}
		JsonNode runAt = options.path("delay_until").isString() ? options.path("delay_until")
				: options.path("scheduled_at").isString() ? options.path("scheduled_at")
						: envelope.path("scheduled_at");
		if (pending.booleanValue(false)) {
			if (runAt.isString()) {
				throw invalidPayload(context + "A job is either staged (options.pending) or scheduled "
						+ "(scheduled_at / options.delay_until), not both", "pending");
			}
			jobOptions.runAt(OjsJobView.STAGED);
		}
		else if (runAt.isString()) {
			Instant at;
			try {
				// "+PT5S": that long from now (the conformance suite's relative form)
				at = runAt.asString().startsWith("+P")
						? this.clock.instant().plus(Duration.parse(runAt.asString().substring(1)))
						: Instant.parse(runAt.asString());
			}
			catch (DateTimeParseException | ArithmeticException ex) {
				throw invalidPayload(
						context + "scheduled_at / options.delay_until must be an RFC 3339 timestamp "
								+ "(or +<ISO 8601 duration> from now, such as +PT5S), was '" + runAt.asString() + "'",
						"scheduled_at");
			}
			if (!at.isBefore(OjsJobView.STAGED)) {
				throw invalidPayload(context + "scheduled_at / options.delay_until must be before " + OjsJobView.STAGED
						+ ", was '" + runAt.asString() + "'", "scheduled_at");
			}
			jobOptions.runAt(at);
		}
		return new Prepared(type.asString(), args, queue, jobOptions.build());
	}

	JobStatus info(UUID id) {
		return this.jobs.status(id).orElseThrow(() -> OjsException.notFound(id.toString()));
	}

	Map<String, Object> infoEnvelope(UUID id) {
		return this.view.envelope(info(id), this.clock.instant());
	}

	/**
	 * Cancels a job of an external queue that has not ended; a running one's lease ends,
	 * so its worker's ACK or FAIL gets 409, and its message is acknowledged. A running
	 * job without a lease is not cancelled (409), nor is a job of an in-process queue
	 * (403).
	 */
	Map<String, Object> cancel(UUID id) {
		JobStatus before = info(id);
		if (!this.queues.isExternal(before.queue())) {
			throw new OjsException(HttpStatus.FORBIDDEN, "permission_denied",
					"Job '" + id + "' is in queue '" + before.queue()
							+ "', which in-process handlers run: OJS cancels only jobs of external queues "
							+ "(jetway.jobs.queues." + before.queue() + ".external=true); cancel it through JobClient",
					Map.of("job_id", id.toString(), "queue", before.queue()));
		}
		String previous = OjsJobView.state(before, this.clock.instant());
		if (before.status().isFinal()) {
			throw OjsException.conflict(id.toString(), previous,
					"Cannot cancel job in terminal state '" + previous + "'.");
		}
		Instant now = this.clock.instant();
		this.leases.cancel(id, now).ifPresent((lease) -> this.queues.ack(lease.replySubject()));
		JobStatus after = info(id);
		if (after.status() != JobState.CANCELLED) {
			String state = OjsJobView.state(after, now);
			throw OjsException.conflict(id.toString(), state,
					after.status().isFinal() ? "Cannot cancel job in terminal state '" + state + "'."
							: "Cannot cancel job '" + id + "' in state '" + state
									+ "': it runs without a lease (the lease expired and the attempt is being "
									+ "ended); try again shortly.");
		}
		if (OjsJobView.isStaged(before)) {
			this.leases.deleteOutboxRow(id);
		}
		Map<String, Object> envelope = this.view.envelope(after, now);
		envelope.put("previous_state", previous);
		return envelope;
	}

	private static OjsException invalidPayload(String message, String field) {
		return new OjsException(HttpStatus.BAD_REQUEST, "invalid_payload", message, Map.of("field", field));
	}

}
