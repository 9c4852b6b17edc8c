package io.jetway.jobs.ojs;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.jetway.jobs.JobOptions;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Jetway job as an OJS job envelope, and Jetway's states as OJS states (see
 * docs/external-workers.md, State mapping).
 */
class OjsJobView {

	/**
	 * The run time of a staged job (OJS {@code pending}, awaiting ACTIVATE): Jetway keeps
	 * it as a {@code scheduled} job that never comes due by itself.
	 */
	static final Instant STAGED = JobOptions.HELD;

	private final JsonMapper jsonMapper;

	private final OjsJobRecords records;

	OjsJobView(JsonMapper jsonMapper, OjsJobRecords records) {
		this.jsonMapper = jsonMapper;
		this.records = records;
	}

	/**
	 * @param job the job
	 * @param now the time, which tells a retry waiting for its backoff (retryable) from
	 * one that is due (available)
	 * @return its OJS state
	 */
	static String state(JobStatus job, Instant now) {
		return switch (job.status()) {
			case SCHEDULED -> isStaged(job) ? "pending" : job.runAt().isAfter(now) ? "scheduled" : "available";
			case PENDING -> (job.attempts() > 0 && job.runAt().isAfter(now)) ? "retryable" : "available";
			case RUNNING -> "active";
			case COMPLETED -> "completed";
			case FAILED -> "discarded";
			case CANCELLED -> "cancelled";
		};
	}

	/**
	 * @return whether the job is staged: scheduled at {@link #STAGED}, awaiting ACTIVATE
	 */
	static boolean isStaged(JobStatus job) {
		return job.status() == JobState.SCHEDULED && !job.runAt().isBefore(STAGED);
	}

	Map<String, Object> envelope(JobStatus job, Instant now) {
		return envelope(job, this.records.find(job.id()), now);
	}

	/**
	 * @param record the job's OJS record, read by the caller (with those of the other
	 * jobs it answers)
	 */
	Map<String, Object> envelope(JobStatus job, OjsJobRecords.Record record, Instant now) {
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("specversion", "1.0");
		envelope.put("id", job.id().toString());
		envelope.put("type", job.type());
		envelope.put("queue", job.queue());
		envelope.put("state", state(job, now));
		JsonNode args = parse(job.payload());
		envelope.put("args",
				(args != null && args.isArray()) ? args : (args != null) ? new Object[] { args } : new Object[0]);
		JsonNode meta = (job.meta() != null) ? parse(job.meta()) : null;
		envelope.put("meta", (meta != null && meta.isObject()) ? meta : Map.of());
		envelope.put("priority", 0);
		envelope.put("attempt", job.attempts());
		envelope.put("max_attempts", job.maxAttempts());
		envelope.put("created_at", job.createdAt().toString());
		envelope.put("enqueued_at", job.createdAt().toString());
		if (!isStaged(job) && (job.status() == JobState.SCHEDULED || job.runAt().isAfter(job.createdAt()))) {
			envelope.put("scheduled_at", job.runAt().toString());
		}
		Instant expiresAt = record.expiresAt();
		putInstant(envelope, "expires_at", expiresAt);
		putInstant(envelope, "started_at", job.startedAt());
		JsonNode error = (job.error() != null) ? parse(job.error()) : null;
		boolean expired = job.status() == JobState.FAILED && expiresAt != null && error != null
				&& OjsExpiries.EXPIRED.equals(error.path("code").asString(""));
		// the binding's completed_at: when the job completed or was discarded (a
		// cancelled job has cancelled_at only, an expired one discarded_at only: it never
		// ran)
		putInstant(envelope, "completed_at",
				(job.status() == JobState.COMPLETED || (job.status() == JobState.FAILED && !expired))
						? job.completedAt() : null);
		putInstant(envelope, "cancelled_at", (job.status() == JobState.CANCELLED) ? job.completedAt() : null);
		putInstant(envelope, "discarded_at", (job.status() == JobState.FAILED) ? job.completedAt() : null);
		if (job.result() != null) {
			envelope.put("result", parse(job.result()));
		}
		if (job.error() != null) {
			envelope.put("error", error(job.error()));
		}
		if (job.progress() != null) {
			envelope.put("progress", job.progress());
		}
		putAttemptHistory(envelope, job, record);
		putEnvelopeFields(envelope, record);
		return envelope;
	}

	/**
	 * The errors of the job's failed attempts and, while its next attempt is due or runs,
	 * the delay its retry was given ({@code retry_delay_ms}).
	 */
	private void putAttemptHistory(Map<String, Object> envelope, JobStatus job, OjsJobRecords.Record record) {
		if (record.errors().isEmpty()) {
			return;
		}
		envelope.put("errors", record.errors());
		boolean running = job.status() == JobState.RUNNING;
		if (running || job.status() == JobState.PENDING) {
			Long delay = record.retryDelayMillis(job.attempts(), job.runAt(), running);
			if (delay != null) {
				envelope.put("retry_delay_ms", delay);
			}
		}
	}

	/**
	 * The stored error with a {@code type} (the binding's error class): the worker's own,
	 * else its {@code code}.
	 */
	private Map<String, Object> error(String stored) {
		JsonNode node = parse(stored);
		Map<String, Object> error = new LinkedHashMap<>();
		if (node == null || !node.isObject()) {
			error.put("type", "error");
			error.put("message", stored);
			return error;
		}
		node.properties().forEach((field) -> error.put(field.getKey(), field.getValue()));
		if (!node.path("type").isString()) {
			error.put("type", node.path("code").isString() ? node.path("code").asString() : "error");
		}
		return error;
	}

	/**
	 * Adds the envelope fields Jetway does not model, stored at PUSH: {@code priority}
	 * replaces the default, a field the binding does not know never replaces one it does.
	 */
	private void putEnvelopeFields(Map<String, Object> envelope, OjsJobRecords.Record record) {
		String stored = record.envelopeFields();
		JsonNode fields = (stored != null) ? parse(stored) : null;
		if (fields == null || !fields.isObject()) {
			return;
		}
		fields.properties().forEach((field) -> {
			if (field.getKey().equals("priority")) {
				envelope.put("priority", field.getValue());
			}
			else {
				envelope.putIfAbsent(field.getKey(), field.getValue());
			}
		});
	}

	private static void putInstant(Map<String, Object> envelope, String field, @Nullable Instant instant) {
		if (instant != null) {
			envelope.put(field, instant.toString());
		}
	}

	private @Nullable JsonNode parse(String json) {
		try {
			return this.jsonMapper.readTree(json);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

}
