package io.jetway.jobs.ojs;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Batch PUSH, ACTIVATE of staged jobs and the conformance reset, under
 * {@code jetway.jobs.ojs.base-path} (the rest of the binding is {@link OjsController}).
 */
@RestController
@RequestMapping("${jetway.jobs.ojs.base-path:/ojs}")
class OjsJobsController extends OjsEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(OjsJobsController.class);

	private final OjsProducers producers;

	private final OjsLeases leases;

	private final OjsQueues queues;

	private final OjsCrons crons;

	private final OjsProperties properties;

	OjsJobsController(OjsProducers producers, OjsLeases leases, OjsQueues queues, OjsCrons crons, WorkerTokens tokens,
			OjsProperties properties, JsonMapper jsonMapper) {
		super(jsonMapper, properties, tokens);
		this.crons = crons;
		this.producers = producers;
		this.leases = leases;
		this.queues = queues;
		this.properties = properties;
	}

	/** Batch PUSH: all jobs are enqueued in one transaction, or none. */
	@PostMapping("/v1/jobs/batch")
	ResponseEntity<Object> pushBatch(@RequestBody(required = false) @Nullable String body) {
		List<Map<String, Object>> jobs = this.producers.pushBatch(parse(body).path("jobs"));
		return response(HttpStatus.CREATED).body(Map.of("jobs", jobs, "count", jobs.size()));
	}

	/** ACTIVATE: a staged ({@code pending}) job becomes available. */
	@PostMapping("/v1/jobs/{id}/activate")
	ResponseEntity<Object> activate(@PathVariable String id) {
		return ok(Map.of("job", this.producers.activate(jobId(id))));
	}

	/**
	 * Purges the jobs stream, then deletes every job and lease, the job messages waiting
	 * in the outbox and the crons registered over OJS, when
	 * {@code jetway.jobs.ojs.conformance-reset-enabled=true}; 404 otherwise.
	 */
	@PostMapping("/v1/admin/reset")
	ResponseEntity<Object> reset() {
		if (!this.properties.isConformanceResetEnabled()) {
			throw new OjsException(HttpStatus.NOT_FOUND, "not_found",
					"The conformance reset is off: it is enabled only by "
							+ "jetway.jobs.ojs.conformance-reset-enabled=true, for conformance runs (never production)",
					Map.of("resource_type", "endpoint", "resource_id", "admin/reset"));
		}
		// the stream first: a purge that fails leaves the jobs as they were
		this.queues.purge();
		int deleted = this.leases.deleteAllJobs(this.queues::isJobSubject);
		int crons = this.crons.deleteAll();
		logger.warn("OJS conformance reset: deleted {} jobs and {} OJS crons and purged the jobs stream "
				+ "(jetway.jobs.ojs.conformance-reset-enabled=true; never in production)", deleted, crons);
		return ok(Map.of("reset", true, "jobs_deleted", deleted, "crons_deleted", crons));
	}

}
