package io.jetway.jobs.ojs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobHandlers;
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

	private final JobHandlers handlers;

	private final OjsQueues queues;

	private final OjsLeases leases;

	private final OjsJobView view;

	private final OjsJobRecords records;

	private final OjsProperties properties;

	private final Clock clock;

	private final JsonMapper jsonMapper;

	private final TransactionTemplate transactions;

	OjsProducers(JobClient jobs, JobHandlers handlers, OjsQueues queues, OjsLeases leases, OjsJobView view,
			OjsJobRecords records, OjsProperties properties, JsonMapper jsonMapper, TransactionTemplate transactions,
			Clock clock) {
		this.jobs = jobs;
		this.records = records;
		this.properties = properties;
		this.handlers = handlers;
		this.transactions = transactions;
		this.jsonMapper = jsonMapper;
		this.queues = queues;
		this.leases = leases;
		this.view = view;
		this.clock = clock;
	}

	Map<String, Object> push(JsonNode envelope) {
		return pushAll(List.of(prepare(envelope, ""))).get(0);
	}

	/**
	 * Batch PUSH: validates every envelope first, then enqueues them all in one
	 * transaction, so either all jobs are enqueued or none is. The consumers of new
	 * external queues are created before, once a batch is valid.
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
		return pushAll(prepared);
	}

	/**
	 * Ensures the consumers of the jobs' external queues, then enqueues the jobs in one
	 * transaction and answers their envelopes, read in that transaction: nothing after
	 * the commit can fail the request. A staged job gets no message
	 * ({@link JobOptions#HELD}).
	 */
	private List<Map<String, Object>> pushAll(List<Prepared> prepared) {
		prepared.stream().map(Prepared::queue).distinct().filter(this.queues::isExternal).forEach(this.queues::ensure);
		List<Map<String, Object>> envelopes = this.transactions.execute((status) -> {
			List<UUID> ids = new ArrayList<>();
			for (Prepared job : prepared) {
				ids.add(enqueueJob(job));
			}
			Instant now = this.clock.instant();
			// reading the jobs writes the rows the transaction holds back; a new job's
			// record is its policy, without errors
			List<Map<String, Object>> answers = new ArrayList<>();
			Map<UUID, OjsJobPolicy> policies = new LinkedHashMap<>();
			for (int i = 0; i < ids.size(); i++) {
				OjsJobPolicy policy = prepared.get(i).policy();
				answers.add(this.view.envelope(info(ids.get(i)), new OjsJobRecords.Record(policy, List.of()), now));
				if (!policy.isEmpty()) {
					policies.put(ids.get(i), policy);
				}
			}
			this.records.storePolicies(policies);
			return answers;
		});
		return Objects.requireNonNull(envelopes);
	}

	/**
	 * ACTIVATE: a staged ({@code pending}) job becomes available.
	 */
	Map<String, Object> activate(UUID id) {
		JobStatus before = externalJob(id, "activates");
		Instant now = this.clock.instant();
		String previous = OjsJobView.state(before, now);
		if (!OjsJobView.isStaged(before) || !this.jobs.runNow(id)) {
			String state = OjsJobView.state(info(id), now);
			throw new OjsException(HttpStatus.CONFLICT, "invalid_request",
					"Cannot activate job in state '" + state + "'. Only jobs in 'pending' state can be activated.",
					Map.of("job_id", id.toString(), "current_state", state));
		}
		Map<String, Object> envelope = this.view.envelope(info(id), now);
		envelope.put("activated_at", now.toString());
		envelope.put("previous_state", previous);
		return envelope;
	}

	private UUID enqueueJob(Prepared job) {
		try {
			return this.jobs.enqueue(job.type(), job.args(), job.options());
		}
		catch (UnknownJobTypeException ex) {
			// its handler went away since the validation
			throw unknownType(job.context(), ex);
		}
	}

	/**
	 * A validated envelope.
	 *
	 * @param context the prefix of its errors (its index in a batch)
	 */
	private record Prepared(String type, JsonNode args, String queue, JobOptions options, OjsJobPolicy policy,
			String context) {
	}

	private static OjsException unknownType(String context, UnknownJobTypeException ex) {
		return new OjsException(HttpStatus.BAD_REQUEST, "invalid_job_type", context + ex.getMessage(),
				Map.of("field", "type"));
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
		if (!this.queues.isExternal(queue) && this.handlers.get(type.asString()) == null) {
			// an in-process queue runs only the types of its handlers
			throw unknownType(context, new UnknownJobTypeException(type.asString(), this.handlers.types()));
		}
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
		Integer maxAttempts = OjsRetryPolicy.maxAttempts(options.path("retry"), context);
		if (maxAttempts != null) {
			jobOptions.maxAttempts(maxAttempts);
		}
		OjsJobPolicy policy = OjsJobPolicy.parse(options, context, this.properties.getMaxVisibilityTimeout(),
				this.properties.isConformanceTestDirectivesEnabled());
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
		return new Prepared(type.asString(), args, queue, jobOptions.build(), policy, context);
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
		JobStatus before = externalJob(id, "cancels");
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
		Map<String, Object> envelope = this.view.envelope(after, now);
		envelope.put("previous_state", previous);
		return envelope;
	}

	/**
	 * @param verb what OJS does only to jobs of external queues ("cancels")
	 * @throws OjsException 403 when the job is in an in-process queue
	 */
	private JobStatus externalJob(UUID id, String verb) {
		JobStatus job = info(id);
		if (!this.queues.isExternal(job.queue())) {
			throw new OjsException(HttpStatus.FORBIDDEN, "permission_denied",
					"Job '" + id + "' is in queue '" + job.queue() + "', which in-process handlers run: OJS " + verb
							+ " only jobs of external queues (jetway.jobs.queues." + job.queue()
							+ ".external=true); use JobClient",
					Map.of("job_id", id.toString(), "queue", job.queue()));
		}
		return job;
	}

	private static OjsException invalidPayload(String message, String field) {
		return new OjsException(HttpStatus.BAD_REQUEST, "invalid_payload", message, Map.of("field", field));
	}

}
