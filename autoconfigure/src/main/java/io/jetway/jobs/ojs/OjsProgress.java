package io.jetway.jobs.ojs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobEvents;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import io.jetway.jobs.ojs.OjsLeases.Lease;
import io.jetway.jobs.ojs.WorkerTokens.WorkerToken;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The progress extension of OJS for external workers: a worker reports the progress of a
 * job it holds the lease of; it is stored like {@code JobContext.progress} stores an
 * in-process job's (the job's {@code progress_percent} and {@code progress_message}, for
 * the lease's attempt only) and published on the same subject
 * ({@code jetway.jobs.progress.<job id>}). A report is also a heartbeat: it moves the
 * lease's deadline.
 */
class OjsProgress {

	/** The longest progress message stored (the column's size). */
	static final int MAX_MESSAGE_LENGTH = 1000;

	private final JobClient jobs;

	private final OjsLeases leases;

	private final OjsQueues queues;

	private final JobEvents events;

	private final Clock clock;

	/** A job's execution timeout caps how far a report extends its lease. */
	private final OjsJobRecords records;

	private final Duration defaultVisibility;

	/**
	 * @param defaultVisibility the lease a report extends to when neither it nor the job
	 * names one ({@code jetway.jobs.ojs.visibility-timeout})
	 */
	OjsProgress(JobClient jobs, OjsLeases leases, OjsQueues queues, JobEvents events, OjsJobRecords records,
			Duration defaultVisibility, Clock clock) {
		this.records = records;
		this.defaultVisibility = defaultVisibility;
		this.jobs = jobs;
		this.leases = leases;
		this.queues = queues;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * Stores and publishes the progress if the lease is current (the given token's, or
	 * the job's live lease without a token). A report for a lease that is not current
	 * changes nothing and answers {@code updated: false} (the extension's fire-and-forget
	 * rule: no error).
	 * @param request {@code progress} (0 to 1, clamped), {@code message}, {@code data}
	 * @param visibility the report's {@code visibility_timeout_ms}, or {@code null} for
	 * the job's own or the default
	 */
	Map<String, Object> report(UUID jobId, JsonNode request, @Nullable String leaseToken, @Nullable Duration visibility,
			WorkerToken worker) {
		JobStatus job = this.jobs.status(jobId).orElseThrow(() -> OjsException.notFound(jobId.toString()));
		worker.checkAllows(job.queue());
		JsonNode progress = request.path("progress");
		JsonNode message = request.path("message");
		if (!progress.isMissingNode() && !progress.isNull() && !progress.isNumber()) {
			throw OjsException.invalid("The 'progress' field must be a number from 0.0 to 1.0, was " + progress);
		}
		if (!message.isMissingNode() && !message.isNull() && !message.isString()) {
			throw OjsException.invalid("The 'message' field must be a string");
		}
		if (!progress.isNumber() && !message.isString() && !request.path("data").isObject()) {
			throw OjsException.invalid("A progress report needs 'progress' (0.0 to 1.0), 'message' or 'data'");
		}
		Double fraction = progress.isNumber() ? Math.max(0, Math.min(1, progress.doubleValue())) : null;
		String text = message.isString() ? truncate(message.asString()) : null;
		Instant now = this.clock.instant();
		Optional<Lease> lease = this.leases.find(jobId)
			.filter((found) -> leaseToken == null || leaseToken.equals(found.token()));
		boolean updated = lease.isPresent()
				&& this.leases.progress(lease.get(), fraction, text, deadline(jobId, visibility, now, job), now);
		JobStatus after = this.jobs.status(jobId).orElse(job);
		if (updated) {
			this.queues.inProgress(lease.get().replySubject());
			this.events.progress(jobId, (after.progress() != null) ? after.progress() : 0,
					(after.progressMessage() != null) ? after.progressMessage() : "");
		}
		Map<String, Object> answer = describe(after, now);
		answer.put("updated", updated);
		return answer;
	}

	/**
	 * @return how far a report extends the lease: as a heartbeat does, never past the
	 * attempt's execution timeout
	 */
	private Instant deadline(UUID jobId, @Nullable Duration visibility, Instant now, JobStatus job) {
		OjsJobPolicy policy = this.records.findPolicies(List.of(jobId)).getOrDefault(jobId, OjsJobPolicy.NONE);
		return policy.capped(now.plus(policy.visibility(visibility, this.defaultVisibility)), job.startedAt());
	}

	/**
	 * @return the job's progress; {@code progress} and {@code message} are {@code null}
	 * when none was reported
	 */
	Map<String, Object> get(UUID jobId) {
		JobStatus job = this.jobs.status(jobId).orElseThrow(() -> OjsException.notFound(jobId.toString()));
		return describe(job, this.clock.instant());
	}

	private static Map<String, Object> describe(JobStatus job, Instant now) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("job_id", job.id().toString());
		answer.put("state", OjsJobView.state(job, now));
		Double progress = job.progress();
		if (job.status() == JobState.COMPLETED && progress != null) {
			// the extension: a completed job's progress is 1.0 once progress was reported
			progress = 1.0;
		}
		answer.put("progress", progress);
		answer.put("message", job.progressMessage());
		answer.put("data", null);
		return answer;
	}

	private static String truncate(String message) {
		return (message.length() > MAX_MESSAGE_LENGTH) ? message.substring(0, MAX_MESSAGE_LENGTH) : message;
	}

}
