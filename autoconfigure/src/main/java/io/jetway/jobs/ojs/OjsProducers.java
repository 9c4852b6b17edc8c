package io.jetway.jobs.ojs;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
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

/**
 * The producer side of the binding: PUSH validates the envelope and enqueues an ordinary
 * Jetway job (its {@code args} as the payload), INFO and CANCEL.
 */
class OjsProducers {

	private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,254}");

	private final JobClient jobs;

	private final OjsQueues queues;

	private final OjsLeases leases;

	private final OjsJobView view;

	private final Clock clock;

	private final JsonMapper jsonMapper;

	OjsProducers(JobClient jobs, OjsQueues queues, OjsLeases leases, OjsJobView view, JsonMapper jsonMapper,
			Clock clock) {
		this.jobs = jobs;
		this.jsonMapper = jsonMapper;
		this.queues = queues;
		this.leases = leases;
		this.view = view;
		this.clock = clock;
	}

	Map<String, Object> push(JsonNode envelope) {
		if (!envelope.isObject()) {
			throw invalidPayload("The request body must be a JSON object (a job envelope)", "body");
		}
		JsonNode type = envelope.path("type");
		if (!type.isString() || !TYPE.matcher(type.asString()).matches()) {
			throw invalidPayload("The 'type' field is required: a string of letters, digits, '.', '_' and '-', "
					+ "such as email.send", "type");
		}
		JsonNode args = envelope.path("args");
		if (!args.isArray()) {
			throw invalidPayload("The 'args' field must be a JSON array", "args");
		}
		JsonNode meta = envelope.path("meta");
		if (!meta.isMissingNode() && !meta.isNull() && !meta.isObject()) {
			throw invalidPayload("The 'meta' field must be a JSON object", "meta");
		}
		JsonNode options = envelope.path("options");
		if (!options.isMissingNode() && !options.isObject()) {
			throw invalidPayload("The 'options' field must be a JSON object", "options");
		}
		String queue = OjsQueues
			.checkName(options.path("queue").isString() ? options.path("queue").asString() : "default");
		JobOptions.Builder jobOptions = JobOptions.builder().queue(queue);
		if (meta.isObject()) {
			if (meta.toString().length() > JobOptions.MAX_META_LENGTH) {
				throw new OjsException(HttpStatus.PAYLOAD_TOO_LARGE, "metadata_too_large",
						"The 'meta' object is " + meta.toString().length() + " characters as JSON, more than the "
								+ JobOptions.MAX_META_LENGTH
								+ " allowed: it travels in a message header; put larger data in 'args'",
						Map.of("field", "meta"));
			}
			jobOptions.meta(this.jsonMapper.convertValue(meta, new TypeReference<Map<String, Object>>() {
			}));
		}
		JsonNode maxAttempts = options.path("retry").path("max_attempts");
		if (!maxAttempts.isMissingNode()) {
			if (!maxAttempts.isIntegralNumber() || maxAttempts.intValue() < 1) {
				throw invalidPayload("options.retry.max_attempts must be an integer of 1 or more", "max_attempts");
			}
			jobOptions.maxAttempts(maxAttempts.intValue());
		}
		JsonNode runAt = options.path("delay_until").isString() ? options.path("delay_until")
				: envelope.path("scheduled_at");
		if (runAt.isString()) {
			try {
				jobOptions.runAt(Instant.parse(runAt.asString()));
			}
			catch (DateTimeParseException ex) {
				throw invalidPayload("scheduled_at / options.delay_until must be an RFC 3339 timestamp, was '"
						+ runAt.asString() + "'", "scheduled_at");
			}
		}
		if (this.queues.isExternal(queue)) {
			this.queues.ensure(queue);
		}
		UUID id;
		try {
			id = this.jobs.enqueue(type.asString(), args, jobOptions.build());
		}
		catch (UnknownJobTypeException ex) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_job_type", ex.getMessage(),
					Map.of("field", "type"));
		}
		return this.view.envelope(info(id), this.clock.instant());
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
		Map<String, Object> envelope = this.view.envelope(after, now);
		envelope.put("previous_state", previous);
		return envelope;
	}

	private static OjsException invalidPayload(String message, String field) {
		return new OjsException(HttpStatus.BAD_REQUEST, "invalid_payload", message, Map.of("field", field));
	}

}
