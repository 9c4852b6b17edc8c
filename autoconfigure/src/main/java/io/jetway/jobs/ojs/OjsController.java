package io.jetway.jobs.ojs;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.ojs.WorkerTokens.Minted;
import io.jetway.jobs.ojs.WorkerTokens.WorkerToken;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The OJS HTTP binding's endpoints (levels 0 and 1 as far as docs/external-workers.md
 * says) and the worker-token admin endpoints, under {@code jetway.jobs.ojs.base-path}.
 */
@RestController
@RequestMapping("${jetway.jobs.ojs.base-path:/ojs}")
class OjsController extends OjsEndpoint {

	private static final String ADMIN_KEY_HEADER = "X-Jetway-Admin-Key";

	private static final int MAX_WORKER_ID_LENGTH = 255;

	private final OjsProducers producers;

	private final OjsWorkers workers;

	private final WorkerTokens tokens;

	private final OjsDeadLetters deadLetters;

	private final OjsQueues queues;

	private final JobClient jobs;

	private final OjsProperties properties;

	OjsController(OjsProducers producers, OjsWorkers workers, WorkerTokens tokens, OjsDeadLetters deadLetters,
			OjsQueues queues, JobClient jobs, OjsProperties properties, JsonMapper jsonMapper) {
		super(jsonMapper, properties, tokens);
		this.producers = producers;
		this.queues = queues;
		this.jobs = jobs;
		this.deadLetters = deadLetters;
		this.workers = workers;
		this.tokens = tokens;
		this.properties = properties;
	}

	@GetMapping("/manifest")
	ResponseEntity<Object> manifest() {
		Map<String, Object> manifest = new LinkedHashMap<>();
		manifest.put("specversion", "1.0");
		manifest.put("implementation", Map.of("name", "jetway", "language", "java", "backend", "nats-jetstream"));
		manifest.put("conformance_level", 0);
		manifest.put("protocols", List.of("http"));
		manifest.put("backend", "nats-jetstream+jdbc");
		manifest.put("extensions", Map.of("worker_tokens",
				Map.of("header", "Authorization: Bearer wkr_...", "required", this.properties.isRequireWorkerToken()),
				"lease_token", true));
		return ok(manifest);
	}

	@GetMapping("/v1/health")
	ResponseEntity<Object> health() {
		return ok(Map.of("status", "ok", "version", "1.0", "backend", Map.of("type", "nats-jetstream+jdbc")));
	}

	@GetMapping("/v1/queues")
	ResponseEntity<Object> queues() {
		List<Map<String, Object>> queues = this.queues.list(this.jobs::isPaused);
		return ok(Map.of("queues", queues, "pagination",
				Map.of("total", queues.size(), "limit", queues.size(), "offset", 0, "has_more", false)));
	}

	@PostMapping("/v1/jobs")
	ResponseEntity<Object> push(@RequestBody(required = false) @Nullable String body) {
		Map<String, Object> job = this.producers.push(parse(body));
		return response(HttpStatus.CREATED)
			.location(URI.create(this.properties.getBasePath() + "/v1/jobs/" + job.get("id")))
			.body(Map.of("job", job));
	}

	@GetMapping("/v1/jobs/{id}")
	ResponseEntity<Object> info(@PathVariable String id) {
		return ok(Map.of("job", this.producers.infoEnvelope(jobId(id))));
	}

	@DeleteMapping("/v1/jobs/{id}")
	ResponseEntity<Object> cancel(@PathVariable String id) {
		return ok(Map.of("job", this.producers.cancel(jobId(id))));
	}

	@PostMapping("/v1/workers/fetch")
	ResponseEntity<Object> fetch(@RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = "Authorization", required = false) @Nullable String authorization) {
		WorkerToken worker = worker(authorization);
		JsonNode request = parse(body);
		JsonNode queues = request.path("queues");
		if (!queues.isArray() || queues.isEmpty()) {
			throw OjsException.invalid("The 'queues' field is required: a non-empty array of queue names");
		}
		List<String> names = new ArrayList<>();
		for (JsonNode queue : queues) {
			if (!queue.isString()) {
				throw OjsException.invalid("The 'queues' field must hold queue names (strings)");
			}
			names.add(queue.asString());
		}
		int count = request.path("count").isIntegralNumber() ? request.path("count").intValue() : 1;
		if (count < 1 || count > 1000) {
			throw OjsException.invalid("The 'count' field must be from 1 to 1000, was " + count);
		}
		String workerId = workerId(request);
		return ok(Map.of("jobs", this.workers.fetch(names, count, workerId, requestedVisibility(request), worker)));
	}

	/**
	 * @return the request's {@code worker_id}, or {@code null} without one
	 * @throws OjsException 400 when it is longer than the column that stores it
	 */
	private static @Nullable String workerId(JsonNode request) {
		String workerId = request.path("worker_id").isString() ? request.path("worker_id").asString() : null;
		if (workerId != null && workerId.length() > MAX_WORKER_ID_LENGTH) {
			throw OjsException.invalid("The 'worker_id' field must be at most " + MAX_WORKER_ID_LENGTH
					+ " characters, was " + workerId.length());
		}
		return workerId;
	}

	@PostMapping("/v1/workers/ack")
	ResponseEntity<Object> ack(@RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = "Authorization", required = false) @Nullable String authorization) {
		WorkerToken worker = worker(authorization);
		JsonNode request = parse(body);
		return ok(this.workers.ack(jobId(request.path("job_id").asString("")), leaseToken(request),
				request.get("result"), worker));
	}

	@PostMapping("/v1/workers/nack")
	ResponseEntity<Object> nack(@RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = "Authorization", required = false) @Nullable String authorization) {
		WorkerToken worker = worker(authorization);
		JsonNode request = parse(body);
		JsonNode error = request.path("error");
		if (!error.isObject() || !error.path("message").isString()) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_payload",
					"The 'error' field is required: an object with at least 'message' (and 'code', 'retryable')",
					Map.of("field", "error"));
		}
		JsonNode requeue = request.path("requeue");
		if (!requeue.isMissingNode() && !requeue.isNull() && !requeue.isBoolean()) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_request",
					"The 'requeue' field must be true or false, was " + requeue, Map.of("field", "requeue"));
		}
		return ok(this.workers.fail(jobId(request.path("job_id").asString("")), leaseToken(request), error,
				requeue.booleanValue(false), worker));
	}

	@PostMapping("/v1/workers/heartbeat")
	ResponseEntity<Object> heartbeat(@RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = "Authorization", required = false) @Nullable String authorization) {
		WorkerToken worker = worker(authorization);
		JsonNode request = parse(body);
		// job id -> the lease token to fence by, or null for the job's current lease
		Map<UUID, @Nullable String> beats = new LinkedHashMap<>();
		request.path("active_jobs")
			.forEach((job) -> beats.put(jobId(job.isObject() ? job.path("job_id").asString("") : job.asString("")),
					leaseToken(job)));
		if (request.path("job_id").isString()) {
			beats.put(jobId(request.path("job_id").asString()), leaseToken(request));
		}
		OjsWorkers.Heartbeat heartbeat = this.workers.heartbeat(beats, requestedVisibility(request), workerId(request),
				worker);
		return ok(Map.of("state", heartbeat.state(), "jobs_extended", heartbeat.extended(), "server_time",
				Instant.now().toString()));
	}

	/**
	 * Asks a worker to change state ({@code running}, {@code quiet}, {@code terminate}):
	 * its next heartbeat, on any instance, answers it.
	 */
	@PostMapping("/v1/admin/workers/{workerId}/state")
	ResponseEntity<Object> askWorker(@PathVariable String workerId,
			@RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = ADMIN_KEY_HEADER, required = false) @Nullable String adminKey) {
		checkAdmin(adminKey);
		if (workerId.length() > MAX_WORKER_ID_LENGTH) {
			throw OjsException
				.invalid("A worker id is at most " + MAX_WORKER_ID_LENGTH + " characters, was " + workerId.length());
		}
		String state = this.workers.askWorker(workerId, parse(body).path("state").asString(""));
		return ok(Map.of("worker_id", workerId, "state", state));
	}

	/**
	 * Forgets the state a worker was asked to be in ({@code terminate} included): its
	 * next heartbeat answers {@code running}.
	 */
	@DeleteMapping("/v1/admin/workers/{workerId}")
	ResponseEntity<Object> forgetWorker(@PathVariable String workerId,
			@RequestHeader(name = ADMIN_KEY_HEADER, required = false) @Nullable String adminKey) {
		checkAdmin(adminKey);
		if (!this.workers.forgetWorker(workerId)) {
			throw new OjsException(HttpStatus.NOT_FOUND, "not_found",
					"Worker '" + workerId + "' has no stored state (it is running).",
					Map.of("resource_type", "worker", "resource_id", workerId));
		}
		return ok(Map.of("worker_id", workerId, "state", "running", "forgotten", true));
	}

	@GetMapping("/v1/dead-letter")
	ResponseEntity<Object> deadLetters(@RequestParam(required = false) @Nullable String queue,
			@RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
		return ok(this.deadLetters.list(queue, limit, offset));
	}

	@PostMapping("/v1/dead-letter/{id}/retry")
	ResponseEntity<Object> retryDeadLetter(@PathVariable String id) {
		return ok(this.deadLetters.retry(jobId(id)));
	}

	@DeleteMapping("/v1/dead-letter/{id}")
	ResponseEntity<Object> discardDeadLetter(@PathVariable String id) {
		return ok(this.deadLetters.discard(jobId(id)));
	}

	@PostMapping("/v1/admin/worker-tokens")
	ResponseEntity<Object> mintToken(@RequestBody(required = false) @Nullable String body,
			@RequestHeader(name = ADMIN_KEY_HEADER, required = false) @Nullable String adminKey) {
		checkAdmin(adminKey);
		JsonNode request = parse(body);
		List<String> queues = new ArrayList<>();
		request.path("queues").forEach((queue) -> queues.add(queue.asString("")));
		Minted minted = this.tokens.mint(request.path("name").asString(""), queues);
		Map<String, Object> answer = new LinkedHashMap<>(describe(minted.token()));
		answer.put("token", minted.plaintext());
		return response(HttpStatus.CREATED).body(answer);
	}

	@GetMapping("/v1/admin/worker-tokens")
	ResponseEntity<Object> listTokens(
			@RequestHeader(name = ADMIN_KEY_HEADER, required = false) @Nullable String adminKey) {
		checkAdmin(adminKey);
		return ok(Map.of("tokens", this.tokens.list().stream().map(OjsController::describe).toList()));
	}

	@DeleteMapping("/v1/admin/worker-tokens/{id}")
	ResponseEntity<Object> revokeToken(@PathVariable String id,
			@RequestHeader(name = ADMIN_KEY_HEADER, required = false) @Nullable String adminKey) {
		checkAdmin(adminKey);
		UUID tokenId;
		try {
			tokenId = UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new OjsException(HttpStatus.NOT_FOUND, "not_found", "Worker token '" + id + "' not found.",
					Map.of("resource_type", "worker_token", "resource_id", id));
		}
		if (!this.tokens.revoke(tokenId)) {
			throw new OjsException(HttpStatus.NOT_FOUND, "not_found",
					"Worker token '" + id + "' not found (or revoked already).",
					Map.of("resource_type", "worker_token", "resource_id", id));
		}
		return ok(Map.of("id", id, "revoked", true));
	}

	private static Map<String, Object> describe(WorkerToken token) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("id", token.id().toString());
		description.put("name", token.name());
		description.put("queues", token.queues());
		description.put("created_at", String.valueOf(token.createdAt()));
		if (token.revokedAt() != null) {
			description.put("revoked_at", token.revokedAt().toString());
		}
		return description;
	}

	private void checkAdmin(@Nullable String presented) {
		String key = this.properties.getAdminKey();
		if (key == null || key.isEmpty()) {
			throw new OjsException(HttpStatus.FORBIDDEN, "permission_denied",
					"Admin calls are off: set jetway.jobs.ojs.admin-key and send it as " + ADMIN_KEY_HEADER, Map.of());
		}
		if (presented == null || !MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8),
				presented.getBytes(StandardCharsets.UTF_8))) {
			throw new OjsException(HttpStatus.UNAUTHORIZED, "unauthenticated",
					"Admin calls need the admin key (jetway.jobs.ojs.admin-key) in the " + ADMIN_KEY_HEADER + " header",
					Map.of());
		}
	}

}
