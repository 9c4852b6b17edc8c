package io.jetway.jobs.ojs;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * The dead letter endpoints: OJS's dead letter jobs are Jetway's {@code failed} jobs
 * (discarded: out of attempts or not retryable) but those whose OJS retry policy says
 * {@code on_exhaustion: discard}; retry runs one again with fresh attempts, discard
 * deletes it. Only jobs of external queues: those of in-process queues are neither listed
 * nor retried nor deleted here.
 */
class OjsDeadLetters {

	private final JobClient jobs;

	private final OjsLeases leases;

	private final OjsQueues queues;

	private final OjsJobView view;

	private final OjsJobRecords records;

	private final Clock clock;

	OjsDeadLetters(JobClient jobs, OjsLeases leases, OjsQueues queues, OjsJobView view, OjsJobRecords records,
			Clock clock) {
		this.jobs = jobs;
		this.records = records;
		this.leases = leases;
		this.queues = queues;
		this.view = view;
		this.clock = clock;
	}

	/**
	 * @param offset rounded down to a multiple of {@code limit}
	 */
	Map<String, Object> list(@Nullable String queue, int limit, int offset) {
		if (limit < 1 || limit > 100 || offset < 0) {
			throw OjsException
				.invalid("limit must be from 1 to 100 and offset 0 or more, were " + limit + " and " + offset);
		}
		if (queue != null) {
			OjsQueues.checkName(queue);
			if (!this.queues.isExternal(queue)) {
				throw OjsException.invalid("Queue '" + queue + "' is run by in-process handlers: OJS lists the dead "
						+ "letters of external queues only (jetway.jobs.queues." + queue + ".external=true)");
			}
		}
		List<JobStatus> page = this.jobs.list(queue, JobState.FAILED, offset / limit, limit);
		List<JobStatus> failed = page.stream().filter((job) -> this.queues.isExternal(job.queue())).toList();
		// the page's OJS records, in one query
		Map<UUID, OjsJobRecords.Record> records = this.records.findAll(failed.stream().map(JobStatus::id).toList());
		Instant now = this.clock.instant();
		List<Map<String, Object>> deadLetters = new ArrayList<>();
		for (JobStatus job : failed) {
			OjsJobRecords.Record record = records.getOrDefault(job.id(), OjsJobRecords.Record.NONE);
			if (isDeadLetter(record.policy())) {
				deadLetters.add(this.view.envelope(job, record, now));
			}
		}
		return Map.of("jobs", deadLetters, "pagination",
				Map.of("limit", limit, "offset", (offset / limit) * limit, "has_more", page.size() == limit));
	}

	/**
	 * Runs a dead letter again with fresh attempts; an expired job is refused (409), as
	 * its next FETCH would discard it again.
	 */
	Map<String, Object> retry(UUID id) {
		checkExternal(id);
		Instant now = this.clock.instant();
		OjsJobRecords.Record record = this.records.find(id);
		if (record.expired(now)) {
			throw OjsException.conflict(id.toString(), "discarded", "Dead letter job '" + id + "' expired at "
					+ record.expiresAt() + " (expires_at): a retry would be discarded again; push a new job instead");
		}
		if (!this.jobs.retry(id)) {
			throw notFound(id);
		}
		Map<String, Object> job = this.view.envelope(this.jobs.status(id).orElseThrow(() -> notFound(id)),
				this.clock.instant());
		job.put("re_enqueued_at", this.clock.instant().toString());
		return Map.of("job", job);
	}

	Map<String, Object> discard(UUID id) {
		checkExternal(id);
		if (!this.leases.deleteFailed(id)) {
			throw notFound(id);
		}
		return Map.of("deleted", true, "job_id", id.toString());
	}

	/** Dead letters of in-process queues are not OJS's to show, retry or delete. */
	private void checkExternal(UUID id) {
		Optional<JobStatus> job = this.jobs.status(id);
		if (job.isEmpty() || !this.queues.isExternal(job.get().queue()) || !isDeadLetter(id)) {
			throw notFound(id);
		}
	}

	/**
	 * @return whether a failed job is a dead letter: unless its retry policy says
	 * {@code on_exhaustion: discard} (a job without a policy is kept as one)
	 */
	private boolean isDeadLetter(UUID id) {
		return isDeadLetter(this.records.findPolicies(List.of(id)).getOrDefault(id, OjsJobPolicy.NONE));
	}

	private static boolean isDeadLetter(OjsJobPolicy policy) {
		OjsRetryPolicy retry = policy.retry();
		return retry == null || retry.deadLetter();
	}

	private static OjsException notFound(UUID id) {
		return new OjsException(HttpStatus.NOT_FOUND, "not_found", "Dead letter job '" + id + "' not found.",
				Map.of("resource_type", "dead_letter_job", "resource_id", id.toString()));
	}

}
