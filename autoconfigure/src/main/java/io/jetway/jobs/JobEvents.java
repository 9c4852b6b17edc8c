package io.jetway.jobs;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

import io.jetway.support.JsonText;
import io.jetway.topology.Namespace;
import io.nats.client.Connection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Publishes job lifecycle events on core NATS, {@code jetway.jobs.events.<state>}, and
 * progress on {@code jetway.jobs.progress.<job id>} (namespace applied), for other
 * services and live views. Fire and forget: the database holds the truth. An event is a
 * small JSON object without headers, written by hand: three go out per job, so they must
 * cost next to nothing.
 */
public class JobEvents {

	/** Logical subject prefix of lifecycle events; the state follows. */
	public static final String EVENTS_PREFIX = "jetway.jobs.events.";

	/** Logical subject prefix of progress updates; the job id follows. */
	public static final String PROGRESS_PREFIX = "jetway.jobs.progress.";

	private static final Log logger = LogFactory.getLog(JobEvents.class);

	private final Connection connection;

	private final Namespace namespace;

	private final Map<JobState, String> eventSubjects = new EnumMap<>(JobState.class);

	public JobEvents(Connection connection, Namespace namespace) {
		this.connection = connection;
		this.namespace = namespace;
		for (JobState state : JobState.values()) {
			this.eventSubjects.put(state, namespace.subject(EVENTS_PREFIX + state.columnValue()));
		}
	}

	/**
	 * @param meta the job's metadata, a JSON object, sent as the event's {@code meta}
	 * field when there is one
	 */
	void transition(UUID id, String type, String queue, JobState state, int attempt, @Nullable String error,
			@Nullable String meta) {
		transition(id, type, queue, state, attempt, error, meta, null);
	}

	/**
	 * Publishes a job's transition, also for jobs run by external workers (whose
	 * transitions Jetway's own workers do not see).
	 * @param id the job
	 * @param type its type
	 * @param queue its queue
	 * @param state its new state
	 * @param attempt the attempts started so far
	 * @param error the failure, for a failed or retried attempt
	 * @param meta the job's metadata, a JSON object, sent as the event's {@code meta}
	 * field when there is one
	 * @param duration how long the attempt that ended ran, sent as {@code duration_ms}
	 * when known
	 */
	public void transition(UUID id, String type, String queue, JobState state, int attempt, @Nullable String error,
			@Nullable String meta, @Nullable Duration duration) {
		JsonText event = new JsonText().field("id", id.toString())
			.field("type", type)
			.field("queue", queue)
			.field("status", state.columnValue())
			.field("attempts", attempt);
		if (error != null) {
			event.field("error", error);
		}
		if (meta != null) {
			event.objectField("meta", meta);
		}
		if (duration != null) {
			event.field("duration_ms", duration.toMillis());
		}
		send(this.eventSubjects.get(state), event);
	}

	/**
	 * Publishes a running job's progress (what {@link JobContext#progress} publishes),
	 * also for jobs run by external workers.
	 * @param id the job
	 * @param fraction from 0 to 1
	 * @param message what the job is doing
	 */
	public void progress(UUID id, double fraction, String message) {
		send(this.namespace.subject(PROGRESS_PREFIX + id),
				new JsonText().field("id", id.toString()).field("progress", fraction).field("message", message));
	}

	private void send(String subject, JsonText event) {
		try {
			this.connection.publish(subject, event.bytes());
		}
		catch (RuntimeException ex) {
			logger.debug("Could not publish job event on " + subject + ": " + ex);
		}
	}

}
