package io.jetway.jobs.ojs;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /ojs/v1/events}: the recent job events this instance has seen
 * ({@link OjsEvents}), newest first, filtered by OJS event type and queue.
 */
@RestController
@RequestMapping("${jetway.jobs.ojs.base-path:/ojs}")
class OjsEventsController extends OjsEndpoint {

	private static final int DEFAULT_LIMIT = 100;

	private final OjsEvents events;

	OjsEventsController(OjsEvents events, WorkerTokens tokens, OjsProperties properties, JsonMapper jsonMapper) {
		super(jsonMapper, properties, tokens);
		this.events = events;
	}

	/**
	 * @param types comma-separated OJS event types ({@code job.completed}), or none for
	 * all
	 * @param queues comma-separated queues, or none for all
	 * @param limit the most events to answer, 1 to the buffer's size
	 */
	@GetMapping("/v1/events")
	ResponseEntity<Object> list(@RequestParam(required = false) @Nullable String types,
			@RequestParam(required = false) @Nullable String queues,
			@RequestParam(required = false) @Nullable Integer limit) {
		int most = (limit != null) ? limit : Math.min(DEFAULT_LIMIT, this.events.capacity());
		if (most < 1 || most > this.events.capacity()) {
			throw OjsException.invalid("The 'limit' parameter must be from 1 to " + this.events.capacity()
					+ " (jetway.jobs.ojs.events-buffer-size), was " + most);
		}
		List<Map<String, Object>> listed = this.events.list(split(types), split(queues), most);
		return ok(Map.of("events", listed, "count", listed.size()));
	}

	private static List<String> split(@Nullable String values) {
		if (values == null || values.isBlank()) {
			return List.of();
		}
		return Arrays.stream(values.split(",")).map(String::trim).filter((value) -> !value.isEmpty()).toList();
	}

}
