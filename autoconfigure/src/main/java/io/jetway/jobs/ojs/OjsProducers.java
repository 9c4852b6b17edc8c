package io.jetway.jobs.ojs;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.jetway.jobs.DuplicateJobException;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobHandlers;
import io.jetway.jobs.JobOptions;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import io.jetway.jobs.UnknownJobTypeException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The producer side of the binding: PUSH validates the envelope and enqueues an ordinary
 * Jetway job (its {@code args} as the payload), INFO and CANCEL.
 */
class OjsProducers {

	/** The most jobs one batch PUSH may hold. */
	static final int MAX_BATCH = 1000;

	/**
	 * A job type: dot-separated segments of lowercase letters, digits and '_', each
	 * starting with a letter (the core spec's pattern), and '-' as well, which the
	 * conformance suite's own level-1 types use ({@code retry.test.max-attempts}).
	 */
	private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*");

	/**
	 * The core spec's queue name, at most 128 characters (Jetway's rules apply too, see
	 * {@link OjsQueues#checkName}).
	 */
	private static final Pattern QUEUE = Pattern.compile("[a-z0-9][a-z0-9\\-.]{0,127}");

	/** A client-provided job id: a UUIDv7, in lowercase. */
	private static final Pattern ID = Pattern
		.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

	private static final int MAX_TYPE_LENGTH = 255;

	/** The priorities a PUSH may give: the binding's required range. */
	private static final int MIN_PRIORITY = -100;

	private static final int MAX_PRIORITY = 100;

	/**
	 * The longest JSON of the envelope fields Jetway keeps for OJS
	 * ({@code jetway_jobs.ojs_envelope}): priority and fields the binding does not know.
	 */
	static final int MAX_ENVELOPE_FIELDS_LENGTH = 16_000;

	/**
	 * Top-level envelope fields the binding defines: the rest are kept as they came
	 * (forward compatibility); the system-managed ones a client may echo are ignored.
	 */
	private static final Set<String> KNOWN_FIELDS = Set.of("specversion", "id", "type", "queue", "args", "meta",
			"options", "priority", "timeout", "scheduled_at", "expires_at", "retry", "unique", "schema", "tags",
			"state", "attempt", "max_attempts", "created_at", "enqueued_at", "started_at", "completed_at",
			"cancelled_at", "discarded_at", "result", "error", "errors", "progress", "lease");

	private final JobClient jobs;

	private final JobHandlers handlers;

	private final OjsQueues queues;

	private final OjsLeases leases;

	private final OjsJobView view;

	private final OjsJobRecords records;

	private final OjsProperties properties;

	private final OjsExpiries expiries;

	private final Clock clock;

	private final JsonMapper jsonMapper;

	private final TransactionTemplate transactions;

	private final OjsTransitions transitions;

	OjsProducers(JobClient jobs, JobHandlers handlers, OjsQueues queues, OjsLeases leases, OjsJobView view,
			OjsJobRecords records, OjsExpiries expiries, OjsProperties properties, OjsTransitions transitions,
			JsonMapper jsonMapper, TransactionTemplate transactions, Clock clock) {
		this.expiries = expiries;
		this.jobs = jobs;
		this.records = records;
		this.properties = properties;
		this.transitions = transitions;
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
			// reading a job writes the rows the transaction holds back, which their
			// records then update, in one batch; a new job's record has no errors
			List<Map<String, Object>> answers = new ArrayList<>();
			Map<UUID, OjsJobRecords.Record> records = new LinkedHashMap<>();
			for (int i = 0; i < ids.size(); i++) {
				Prepared job = prepared.get(i);
				OjsJobRecords.Record record = new OjsJobRecords.Record(job.policy(), List.of(), job.expiresAt(),
						job.envelopeFields());
				answers.add(this.view.envelope(info(ids.get(i)), record, now));
				records.put(ids.get(i), record);
			}
			this.records.storeNew(records);
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
		catch (DuplicateJobException ex) {
			throw OjsException.duplicate(ex.id().toString());
		}
	}

	/**
	 * A validated envelope.
	 *
	 * @param expiresAt when it expires (OJS {@code expires_at}), if it does
	 * @param context the prefix of its errors (its index in a batch)
	 * @param envelopeFields the envelope fields Jetway does not model, as a JSON object,
	 * or {@code null}
	 */
	private record Prepared(String type, JsonNode args, String queue, JobOptions options, OjsJobPolicy policy,
			@Nullable Instant expiresAt, @Nullable String envelopeFields, String context) {
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
		if (!type.isString() || type.asString().length() > MAX_TYPE_LENGTH
				|| (!TYPE.matcher(type.asString()).matches() && this.handlers.get(type.asString()) == null)) {
			throw invalidPayload(
					context + "The 'type' field is required: dot-separated names of lowercase letters, "
							+ "digits, '_' and '-', each starting with a letter, such as email.send (at most "
							+ MAX_TYPE_LENGTH + " characters), or the type of an in-process handler; was " + type,
					"type");
		}
		if (envelope.has("unique")) {
			throw new OjsException(HttpStatus.UNPROCESSABLE_CONTENT, "unsupported", context
					+ "The 'unique' field (unique jobs) is not supported: Jetway keeps no uniqueness policy; leave it "
					+ "out, and give the job a client id ('id') to refuse a second push of it",
					Map.of("field", "unique"));
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
		String queue = queue(options.path("queue").isString() ? options.path("queue")
				: envelope.path("queue").isString() ? envelope.path("queue") : null, context);
		JsonNode expiry = options.path("expires_at").isMissingNode() ? envelope.path("expires_at")
				: options.path("expires_at");
		Instant expiresAt = null;
		if (!expiry.isMissingNode() && !expiry.isNull()) {
			if (!this.queues.isExternal(queue)) {
				throw invalidPayload(context + "expires_at is honoured for jobs of external queues only, and queue '"
						+ queue + "' is run by in-process handlers: leave expires_at out, or name an external queue "
						+ "in options.queue", "expires_at");
			}
			// as stored (PostgreSQL and MySQL keep microseconds): PUSH answers what INFO
			// shows later
			expiresAt = instant(expiry, "expires_at", "expires_at", context).truncatedTo(ChronoUnit.MICROS);
			if (!expiresAt.isBefore(OjsJobView.STAGED)) {
				throw invalidPayload(context + "expires_at must be before " + OjsJobView.STAGED + ", was " + expiry,
						"expires_at");
			}
		}
		if (!this.queues.isExternal(queue) && this.handlers.get(type.asString()) == null) {
			// an in-process queue runs only the types of its handlers
			throw unknownType(context, new UnknownJobTypeException(type.asString(), this.handlers.types()));
		}
		JobOptions.Builder jobOptions = JobOptions.builder().queue(queue);
		JsonNode id = envelope.path("id");
		if (!id.isMissingNode() && !id.isNull()) {
			if (!id.isString() || !ID.matcher(id.asString()).matches()) {
				throw invalidPayload(context + "The 'id' field must be a UUIDv7 in lowercase, such as "
						+ "019461a8-1a2b-7c3d-8e4f-5a6b7c8d9e0f, was " + id + "; leave it out for a generated one",
						"id");
			}
			jobOptions.id(UUID.fromString(id.asString()));
		}
		if (meta.isObject()) {
			try {
				OjsException.checkMetaLength(meta);
			}
			catch (OjsException ex) {
				throw new OjsException(ex.status(), ex.code(), context + ex.getMessage(), ex.details());
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
			Instant at = instant(runAt, "scheduled_at / options.delay_until", "scheduled_at", context);
			if (!at.isBefore(OjsJobView.STAGED)) {
				throw invalidPayload(context + "scheduled_at / options.delay_until must be before " + OjsJobView.STAGED
						+ ", was '" + runAt.asString() + "'", "scheduled_at");
			}
			jobOptions.runAt(at);
		}
		return new Prepared(type.asString(), args, queue, jobOptions.build(), policy, expiresAt,
				envelopeFields(envelope, options, context), context);
	}

	/**
	 * @param name the envelope's queue, or {@code null} for {@code default}
	 * @return the queue: Jetway's rules (a NATS subject token) and the binding's pattern,
	 * which a queue declared under {@code jetway.jobs.queues} need not follow
	 */
	private String queue(@Nullable JsonNode name, String context) {
		String queue = OjsQueues.checkName((name != null) ? name.asString() : "default");
		if (!QUEUE.matcher(queue).matches() && !this.queues.isDeclared(queue)) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_queue", context + "Queue name '" + queue
					+ "' is not valid: use at most 128 lowercase letters, digits and '-', starting with a letter or digit "
					+ "(or declare the queue under jetway.jobs.queues)", Map.of("field", "queue"));
		}
		return queue;
	}

	/**
	 * @return the envelope fields Jetway does not model ({@code options.priority} as
	 * {@code priority}, and top-level fields the binding does not know) as a JSON object,
	 * or {@code null} when there are none
	 */
	private @Nullable String envelopeFields(JsonNode envelope, JsonNode options, String context) {
		ObjectNode fields = this.jsonMapper.createObjectNode();
		JsonNode priority = options.has("priority") ? options.path("priority") : envelope.path("priority");
		if (!priority.isMissingNode() && !priority.isNull()) {
			if (!priority.isIntegralNumber() || !priority.canConvertToInt() || priority.intValue() < MIN_PRIORITY
					|| priority.intValue() > MAX_PRIORITY) {
				throw invalidPayload(context + "options.priority must be an integer from " + MIN_PRIORITY + " to "
						+ MAX_PRIORITY + ", was " + priority, "priority");
			}
			fields.put("priority", priority.intValue());
		}
		envelope.properties()
			.stream()
			.filter((field) -> !KNOWN_FIELDS.contains(field.getKey()))
			.forEach((field) -> fields.set(field.getKey(), field.getValue()));
		if (fields.isEmpty()) {
			return null;
		}
		String json = fields.toString();
		if (json.length() > MAX_ENVELOPE_FIELDS_LENGTH) {
			throw new OjsException(HttpStatus.PAYLOAD_TOO_LARGE, "payload_too_large",
					context + "The envelope's fields the binding does not define are " + json.length()
							+ " characters as JSON, more than the " + MAX_ENVELOPE_FIELDS_LENGTH
							+ " kept; leave them out",
					Map.of("field", "envelope"));
		}
		return json;
	}

	/**
	 * @param value an RFC 3339 timestamp, or {@code +<ISO 8601 duration>} from now (the
	 * conformance suite's relative form, such as {@code +PT5S})
	 */
	private Instant instant(JsonNode value, String name, String field, String context) {
		try {
			if (value.isString()) {
				return value.asString().startsWith("+P")
						? this.clock.instant().plus(Duration.parse(value.asString().substring(1)))
						: Instant.parse(value.asString());
			}
		}
		catch (DateTimeException | ArithmeticException ex) {
			// answered below (beyond the range of an Instant too)
		}
		throw invalidPayload(context + name + " must be an RFC 3339 timestamp (or +<ISO 8601 duration> from now, "
				+ "such as +PT5S), was " + value, field);
	}

	JobStatus info(UUID id) {
		return this.jobs.status(id).orElseThrow(() -> OjsException.notFound(id.toString()));
	}

	/**
	 * INFO; a job whose expiry passed while it waited for a worker is discarded first, so
	 * that it is not shown as available.
	 */
	Map<String, Object> infoEnvelope(UUID id) {
		Instant now = this.clock.instant();
		OjsJobRecords.Record record = this.records.find(id);
		this.expiries.discardIfExpired(id, record, now);
		return this.view.envelope(info(id), record, now);
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
		this.transitions.published(after, null);
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
