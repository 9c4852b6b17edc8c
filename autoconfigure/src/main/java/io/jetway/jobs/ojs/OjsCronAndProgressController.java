package io.jetway.jobs.ojs;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.jetway.jobs.JobClient;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The binding's level-2 cron endpoints ({@code /v1/cron}), the progress extension
 * ({@code /v1/jobs/{id}/progress}, and {@code /v1/workers/progress} under the worker
 * path) and queue pause / resume ({@code /v1/queues/{name}/pause}, a level-4 endpoint).
 */
@RestController
@RequestMapping("${jetway.jobs.ojs.base-path:/ojs}")
class OjsCronAndProgressController extends OjsEndpoint {

	private final OjsCrons crons;

	private final OjsProgress progress;

	private final JobClient jobs;

	private final OjsQueues queues;

	private final OjsProperties properties;

	private final Clock clock;

	OjsCronAndProgressController(OjsCrons crons, OjsProgress progress, JobClient jobs, OjsQueues queues,
			WorkerTokens tokens, OjsProperties properties, JsonMapper jsonMapper, Clock clock) {
		super(jsonMapper, properties, tokens);
		this.crons = crons;
		this.progress = progress;
		this.jobs = jobs;
		this.queues = queues;
		this.properties = properties;
		this.clock = clock;
	}

	@GetMapping("/v1/cron")
	ResponseEntity<Object> listCrons(@RequestParam(defaultValue = "50") int limit,
			@RequestParam(defaultValue = "0") int offset) {
		return ok(this.crons.list(limit, offset));
	}

	@PostMapping("/v1/cron")
	ResponseEntity<Object> registerCron(@RequestBody(required = false) @Nullable String body) {
		Map<String, Object> cron = this.crons.register(parse(body));
		return response(HttpStatus.CREATED)
			.location(URI.create(this.properties.getBasePath() + "/v1/cron/" + cron.get("name")))
			.body(Map.of("cron_job", cron, "cron", cron));
	}

	@DeleteMapping("/v1/cron/{name}")
	ResponseEntity<Object> unregisterCron(@PathVariable String name) {
		Map<String, Object> cron = this.crons.unregister(name);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("deleted", true);
		answer.put("name", name);
		answer.put("cron", cron);
		answer.put("cron_job", cron);
		return ok(answer);
	}

	@PutMapping("/v1/jobs/{id}/progress")
	ResponseEntity<Object> reportProgress(@PathVariable String id, @RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = "Authorization", required = false) @Nullable String authorization) {
		var request = parse(body);
		return ok(this.progress.report(jobId(id), request, leaseToken(request), requestedVisibility(request),
				worker(authorization)));
	}

	@PostMapping("/v1/workers/progress")
	ResponseEntity<Object> reportWorkerProgress(@RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = "Authorization", required = false) @Nullable String authorization) {
		var request = parse(body);
		if (!request.path("job_id").isString() || request.path("job_id").asString().isEmpty()) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_request",
					"The 'job_id' field is required: the id of the job whose lease this worker holds",
					Map.of("field", "job_id"));
		}
		return ok(this.progress.report(jobId(request.path("job_id").asString()), request, leaseToken(request),
				requestedVisibility(request), worker(authorization)));
	}

	@GetMapping("/v1/jobs/{id}/progress")
	ResponseEntity<Object> progress(@PathVariable String id) {
		return ok(this.progress.get(jobId(id)));
	}

	@PostMapping("/v1/queues/{name}/pause")
	ResponseEntity<Object> pauseQueue(@PathVariable String name) {
		this.queues.checkPausable(name, this.jobs.isPaused(name));
		this.jobs.pause(name);
		return ok(Map.of("queue", name, "status", "paused", "paused_at", now()));
	}

	@PostMapping("/v1/queues/{name}/resume")
	ResponseEntity<Object> resumeQueue(@PathVariable String name) {
		this.queues.checkPausable(name, this.jobs.isPaused(name));
		this.jobs.resume(name);
		return ok(Map.of("queue", name, "status", "active", "resumed_at", now()));
	}

	private String now() {
		return Instant.now(this.clock).toString();
	}

}
