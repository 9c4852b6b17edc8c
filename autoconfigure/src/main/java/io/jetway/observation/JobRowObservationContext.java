package io.jetway.observation;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;

/**
 * The context of an observation of work on a job row, continuing the trace stored with
 * the row when the job was enqueued: its carrier holds that {@code traceparent}.
 */
public abstract class JobRowObservationContext extends ReceiverContext<Map<String, String>> {

	/** The W3C trace context header. */
	public static final String TRACEPARENT_HEADER = "traceparent";

	private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

	private final UUID jobId;

	private final String type;

	private final String queue;

	private final int attempt;

	/**
	 * @param jobId the job
	 * @param type its type
	 * @param queue its queue
	 * @param attempt the attempt number
	 * @param traceparent the trace context stored with the job, if any
	 * @param kind the kind of the span a tracing bridge makes
	 */
	protected JobRowObservationContext(UUID jobId, String type, String queue, int attempt, @Nullable String traceparent,
			Kind kind) {
		super((carrier, key) -> carrier.get(key), kind);
		this.jobId = jobId;
		this.type = type;
		this.queue = queue;
		this.attempt = attempt;
		setCarrier(carrier(traceparent));
	}

	/**
	 * @param traceparent a stored trace context
	 * @return a carrier with it, or an empty one when there is none or it is not a W3C
	 * {@code traceparent} (it goes into HTTP headers)
	 */
	public static Map<String, String> carrier(@Nullable String traceparent) {
		return (traceparent != null && TRACEPARENT.matcher(traceparent).matches())
				? Map.of(TRACEPARENT_HEADER, traceparent) : Map.of();
	}

	public UUID getJobId() {
		return this.jobId;
	}

	public String getType() {
		return this.type;
	}

	public String getQueue() {
		return this.queue;
	}

	public int getAttempt() {
		return this.attempt;
	}

}
