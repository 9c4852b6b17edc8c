package io.jetway.sample.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jetway.publish.JetwayPublisher;
import io.jetway.sample.api.AtlasStreams.StreamView;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The events API: fire-and-forget pub/sub, durable streams, pull consumers.
 */
@RestController
@RequestMapping("/events/v1")
class EventsController {

	private static final int DEFAULT_BATCH = 10;

	private static final int MAX_BATCH = 256;

	private static final long MAX_AGE_SECONDS = 10L * 365 * 24 * 3600;

	private final JetwayPublisher publisher;

	private final AtlasStreams streams;

	EventsController(JetwayPublisher publisher, AtlasStreams streams) {
		this.publisher = publisher;
		this.streams = streams;
	}

	/**
	 * Publishes on core NATS to {@code atlasdb.{project}.{env}.{subject}}: delivered to
	 * whoever subscribes right now, stored nowhere.
	 */
	@PostMapping("/publish")
	Map<String, Object> publish(@RequestAttribute(ApiKeyFilter.TENANT) Tenant tenant,
			@RequestBody(required = false) @Nullable JsonNode body) {
		JsonNode request = Requests.object(body);
		String subject = Requests.publishSubject("subject", Requests.requiredString(request, "subject"));
		JsonNode payload = Requests.requiredPayload(request);
		this.publisher.publishEphemeral(tenant.pubSubSubject(subject), payload);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("subject", subject);
		answer.put("published", true);
		return answer;
	}

	@PostMapping("/streams")
	ResponseEntity<StreamView> createStream(@RequestAttribute(ApiKeyFilter.TENANT) Tenant tenant,
			@RequestBody(required = false) @Nullable JsonNode body) {
		JsonNode request = Requests.object(body);
		String name = Requests.name("name", "stream", Requests.requiredString(request, "name"));
		List<String> subjects = Requests.requiredStrings(request, "subjects");
		for (int i = 0; i < subjects.size(); i++) {
			Requests.subjectPattern("subjects[" + i + "]", subjects.get(i));
		}
		Long maxBytes = Requests.optionalNonNegativeLong(request, "max_bytes");
		Long maxAge = Requests.optionalNonNegativeLong(request, "max_age_secs", MAX_AGE_SECONDS, "10 years");
		StreamView stream = this.streams.create(tenant, name, subjects, maxBytes, maxAge);
		return ResponseEntity.status(stream.created() ? HttpStatus.CREATED : HttpStatus.OK).body(stream);
	}

	@PostMapping("/streams/{stream_name}/publish")
	Map<String, Object> publishToStream(@RequestAttribute(ApiKeyFilter.TENANT) Tenant tenant,
			@PathVariable("stream_name") String streamName, @RequestBody(required = false) @Nullable JsonNode body) {
		Requests.name("stream_name", "stream", streamName);
		JsonNode request = Requests.object(body);
		String subject = Requests.publishSubject("subject", Requests.requiredString(request, "subject"));
		JsonNode payload = Requests.requiredPayload(request);
		return this.streams.publish(tenant, streamName, subject, payload);
	}

	@PostMapping("/streams/{stream_name}/consumers")
	ResponseEntity<Map<String, Object>> createConsumer(@RequestAttribute(ApiKeyFilter.TENANT) Tenant tenant,
			@PathVariable("stream_name") String streamName, @RequestBody(required = false) @Nullable JsonNode body) {
		Requests.name("stream_name", "stream", streamName);
		JsonNode request = Requests.object(body);
		String name = Requests.name("name", "consumer", Requests.requiredString(request, "name"));
		String filter = Requests.optionalString(request, "filter_subject");
		if (filter != null) {
			Requests.subjectPattern("filter_subject", filter);
		}
		Map<String, Object> consumer = this.streams.createConsumer(tenant, streamName, name, filter);
		return ResponseEntity.status(Boolean.TRUE.equals(consumer.get("created")) ? HttpStatus.CREATED : HttpStatus.OK)
			.body(consumer);
	}

	/**
	 * Returns up to {@code batch} messages (query parameter or body field, default 10)
	 * and acknowledges them.
	 */
	@PostMapping("/streams/{stream_name}/consumers/{consumer_name}/pull")
	Map<String, Object> pull(@RequestAttribute(ApiKeyFilter.TENANT) Tenant tenant,
			@PathVariable("stream_name") String streamName, @PathVariable("consumer_name") String consumerName,
			@RequestParam(name = "batch", required = false) @Nullable String batchParameter,
			@RequestBody(required = false) @Nullable JsonNode body) {
		Requests.name("stream_name", "stream", streamName);
		Requests.name("consumer_name", "consumer", consumerName);
		int batch = batch(batchParameter, body);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("messages", this.streams.pull(tenant, streamName, consumerName, batch));
		return answer;
	}

	private static int batch(@Nullable String parameter, @Nullable JsonNode body) {
		long batch = DEFAULT_BATCH;
		if (parameter != null) {
			try {
				batch = Long.parseLong(parameter.trim());
			}
			catch (NumberFormatException ex) {
				throw ApiException.badRequest("batch", "'batch' must be an integer");
			}
		}
		else if (body != null && !body.isNull() && !body.isMissingNode()) {
			Long fromBody = Requests.optionalNonNegativeLong(Requests.object(body), "batch");
			batch = (fromBody != null) ? fromBody : DEFAULT_BATCH;
		}
		if (batch < 1 || batch > MAX_BATCH) {
			throw ApiException.badRequest("batch", "'batch' must be between 1 and " + MAX_BATCH + ", was " + batch);
		}
		return (int) batch;
	}

}
