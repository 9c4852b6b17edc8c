package io.jetway.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.jetway.publish.JetwayPublisher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Publishes job lifecycle events on core NATS, {@code jetway.jobs.events.<state>}, and
 * progress on {@code jetway.jobs.progress.<job id>} (namespace applied), for other
 * services and live views. Fire and forget: the database holds the truth.
 */
public class JobEvents {

	/** Logical subject prefix of lifecycle events; the state follows. */
	public static final String EVENTS_PREFIX = "jetway.jobs.events.";

	/** Logical subject prefix of progress updates; the job id follows. */
	public static final String PROGRESS_PREFIX = "jetway.jobs.progress.";

	private static final Log logger = LogFactory.getLog(JobEvents.class);

	private final JetwayPublisher publisher;

	public JobEvents(JetwayPublisher publisher) {
		this.publisher = publisher;
	}

	void transition(UUID id, String type, String queue, JobState state, int attempt, @Nullable String error) {
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("id", id.toString());
		event.put("type", type);
		event.put("queue", queue);
		event.put("status", state.columnValue());
		event.put("attempts", attempt);
		if (error != null) {
			event.put("error", error);
		}
		send(EVENTS_PREFIX + state.columnValue(), event);
	}

	void progress(UUID id, double fraction, String message) {
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("id", id.toString());
		event.put("progress", fraction);
		event.put("message", message);
		send(PROGRESS_PREFIX + id, event);
	}

	private void send(String subject, Map<String, Object> event) {
		try {
			this.publisher.publishEphemeral(subject, event);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not publish job event on " + subject + ": " + ex);
		}
	}

}
