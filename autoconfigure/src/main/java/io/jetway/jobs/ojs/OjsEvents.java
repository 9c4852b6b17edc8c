package io.jetway.jobs.ojs;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jetway.jobs.JobEvents;
import io.jetway.support.MessageIds;
import io.jetway.topology.Namespace;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The recent job events of {@code GET /ojs/v1/events}: a bounded buffer that this
 * instance fills from Jetway's lifecycle events ({@code jetway.jobs.events.>}, core
 * NATS), so it holds the events of every instance since this one subscribed, as OJS
 * events. Observational and best effort, not a durable log: events published while this
 * instance was down or disconnected are missing, and the oldest are dropped once the
 * buffer is full.
 */
class OjsEvents implements AutoCloseable {

	/**
	 * The most events a buffer keeps, with {@link #MAX_ERROR_LENGTH} it bounds its size.
	 */
	static final int MAX_CAPACITY = 10_000;

	/** The most characters an event keeps of the error's message or plain text. */
	static final int MAX_ERROR_LENGTH = 1024;

	/** The most characters an event keeps of the error's type and code. */
	private static final int MAX_ERROR_NAME_LENGTH = 128;

	private final Connection connection;

	private final String subject;

	private final JsonMapper jsonMapper;

	private final int capacity;

	private final Clock clock;

	private final Deque<Map<String, Object>> events = new ArrayDeque<>();

	private @Nullable Dispatcher dispatcher;

	/**
	 * @param capacity the most events kept ({@code jetway.jobs.ojs.events-buffer-size})
	 */
	OjsEvents(Connection connection, Namespace namespace, JsonMapper jsonMapper, int capacity, Clock clock) {
		if (capacity < 1 || capacity > MAX_CAPACITY) {
			throw new IllegalArgumentException("jetway.jobs.ojs.events-buffer-size must be 1 to " + MAX_CAPACITY
					+ ", was " + capacity + "; give a size in that range");
		}
		this.connection = connection;
		this.subject = namespace.subject(JobEvents.EVENTS_PREFIX + ">");
		this.jsonMapper = jsonMapper;
		this.capacity = capacity;
		this.clock = clock;
	}

	/** Subscribes to the lifecycle events. */
	void start() {
		Dispatcher events = this.connection.createDispatcher(this::received);
		events.subscribe(this.subject);
		this.dispatcher = events;
	}

	@Override
	public void close() {
		Dispatcher events = this.dispatcher;
		if (events != null) {
			this.connection.closeDispatcher(events);
			this.dispatcher = null;
		}
	}

	/**
	 * @param types the OJS event types to list, or empty for all
	 * @param queues the queues to list events of, or empty for all
	 * @param limit the most events to list
	 * @return the events, newest first
	 */
	List<Map<String, Object>> list(Collection<String> types, Collection<String> queues, int limit) {
		List<Map<String, Object>> listed = new ArrayList<>();
		synchronized (this.events) {
			for (Iterator<Map<String, Object>> newest = this.events.descendingIterator(); newest.hasNext()
					&& listed.size() < limit;) {
				Map<String, Object> event = newest.next();
				Map<?, ?> data = (Map<?, ?>) event.get("data");
				if ((types.isEmpty() || types.contains(event.get("type")))
						&& (queues.isEmpty() || queues.contains(data.get("queue")))) {
					listed.add(event);
				}
			}
		}
		return listed;
	}

	int capacity() {
		return this.capacity;
	}

	private void received(Message message) {
		Map<String, Object> event = toOjs(message.getData());
		if (event == null) {
			return;
		}
		synchronized (this.events) {
			if (this.events.size() == this.capacity) {
				this.events.removeFirst();
			}
			this.events.addLast(event);
		}
	}

	/**
	 * @param body a Jetway event, {@code {id, type, queue, status, attempts, error?,
	 * meta?, duration_ms?}}
	 * @return it as an OJS event, or {@code null} when it is not a job event
	 */
	@Nullable Map<String, Object> toOjs(byte[] body) {
		JsonNode jetway;
		try {
			jetway = this.jsonMapper.readTree(new String(body, StandardCharsets.UTF_8));
		}
		catch (JacksonException ex) {
			return null;
		}
		String type = ojsType(jetway.path("status").asString(""), jetway.path("attempts").asInt(0));
		if (type == null || !jetway.path("id").isString()) {
			return null;
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("job_id", jetway.path("id").asString());
		data.put("job_type", jetway.path("type").asString(""));
		data.put("queue", jetway.path("queue").asString(""));
		data.put("attempt", jetway.path("attempts").asInt(0));
		if (jetway.has("duration_ms")) {
			data.put("duration_ms", jetway.path("duration_ms").asLong());
		}
		if (jetway.path("error").isString()) {
			data.put("error", error(jetway.path("error").asString()));
		}
		if (jetway.path("meta").isObject()) {
			data.put("meta", jetway.path("meta"));
		}
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("specversion", "1.0");
		event.put("id", "evt_" + MessageIds.next());
		event.put("type", type);
		event.put("source", "jetway");
		event.put("time", this.clock.instant().toString());
		event.put("subject", jetway.path("id").asString());
		event.put("data", data);
		return event;
	}

	/**
	 * @return the OJS event type of a Jetway transition, or {@code null} for none
	 */
	static @Nullable String ojsType(String jetwayState, int attempts) {
		return switch (jetwayState) {
			case "pending" -> (attempts > 0) ? "job.retrying" : "job.enqueued";
			case "scheduled" -> "job.scheduled";
			case "running" -> "job.started";
			case "completed" -> "job.completed";
			case "failed" -> "job.discarded";
			case "cancelled" -> "job.cancelled";
			default -> null;
		};
	}

	/**
	 * @param error the job's error: a worker's FAIL error as JSON, or plain text
	 * @return what the event keeps of it: its type, code and message, cut, as the FAIL's
	 * error may be as large as a NATS message and the buffer keeps thousands of events
	 */
	private Object error(String error) {
		JsonNode parsed = parse(error);
		if (parsed == null || !parsed.isObject()) {
			return cut(error, MAX_ERROR_LENGTH);
		}
		Map<String, Object> kept = new LinkedHashMap<>();
		keep(parsed, "type", MAX_ERROR_NAME_LENGTH, kept);
		keep(parsed, "code", MAX_ERROR_NAME_LENGTH, kept);
		keep(parsed, "message", MAX_ERROR_LENGTH, kept);
		return kept;
	}

	private static void keep(JsonNode error, String field, int maxLength, Map<String, Object> kept) {
		if (error.path(field).isString()) {
			kept.put(field, cut(error.path(field).asString(), maxLength));
		}
	}

	private static String cut(String text, int maxLength) {
		return (text.length() <= maxLength) ? text : text.substring(0, maxLength);
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
