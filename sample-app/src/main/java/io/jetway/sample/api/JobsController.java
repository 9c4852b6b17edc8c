package io.jetway.sample.api;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The jobs API: enqueue and status.
 */
@RestController
@RequestMapping("/jobs/v1")
class JobsController {

	/** The longest delay a job may be enqueued with. */
	private static final long MAX_DELAY_SECONDS = 365L * 24 * 3600;

	private final AtlasJobs jobs;

	private final WebhookUrls webhookUrls;

	JobsController(AtlasJobs jobs, WebhookUrls webhookUrls) {
		this.jobs = jobs;
		this.webhookUrls = webhookUrls;
	}

	@PostMapping("/enqueue")
	ResponseEntity<Map<String, Object>> enqueue(@RequestAttribute(ApiKeyFilter.TENANT) Tenant tenant,
			@RequestBody(required = false) @Nullable JsonNode body) {
		JsonNode request = Requests.object(body);
		String type = Requests.requiredString(request, "type");
		JsonNode payload = Requests.requiredPayload(request);
		String webhookUrl = Requests.optionalString(request, "webhook_url");
		Long delaySeconds = Requests.optionalNonNegativeLong(request, "delay_seconds", MAX_DELAY_SECONDS, "a year");
		if (!tenant.mayEnqueue(type)) {
			List<String> allowed = tenant.jobTypes().stream().sorted().toList();
			throw new ApiException(HttpStatus.FORBIDDEN, "type",
					"This API key may not enqueue jobs of type '" + Requests.shown(type) + "'; it may enqueue "
							+ (allowed.isEmpty() ? "no job types" : String.join(", ", allowed)) + " ("
							+ tenant.jobTypesProperty() + ")");
		}
		if (webhookUrl != null) {
			this.webhookUrls.check("webhook_url", webhookUrl);
		}
		// counted by AtlasJobs once Jetway accepted the job: a refused enqueue uses none
		// of
		// the allowance
		UUID id = this.jobs.enqueue(tenant, type, payload, webhookUrl, delaySeconds);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("id", id);
		answer.put("type", type);
		answer.put("status", "pending");
		return ResponseEntity.created(URI.create("/jobs/v1/status/" + id)).body(answer);
	}

	@GetMapping("/status/{job_id}")
	Map<String, Object> status(@RequestAttribute(ApiKeyFilter.TENANT) Tenant tenant,
			@PathVariable("job_id") String jobId) {
		UUID id;
		try {
			id = UUID.fromString(jobId);
		}
		catch (IllegalArgumentException ex) {
			throw ApiException.badRequest("job_id", "'" + Requests.shown(jobId) + "' is not a job id (a UUID)");
		}
		Map<String, Object> status = this.jobs.status(tenant, id);
		if (status == null) {
			throw ApiException.notFound("Job " + jobId + " not found");
		}
		return status;
	}

}
