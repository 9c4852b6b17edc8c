package io.jetway.observation;

import java.util.UUID;

import io.micrometer.observation.transport.Kind;
import org.jspecify.annotations.Nullable;

/**
 * The context of a {@link JetwayObservationDocumentation#JOB} observation: one attempt of
 * a job, continuing the trace stored with the job row.
 */
public class JobObservationContext extends JobRowObservationContext {

	/**
	 * @param jobId the job
	 * @param type its type
	 * @param queue its queue
	 * @param attempt the attempt number
	 * @param traceparent the trace context stored with the job, if any
	 */
	public JobObservationContext(UUID jobId, String type, String queue, int attempt, @Nullable String traceparent) {
		super(jobId, type, queue, attempt, traceparent, Kind.CONSUMER);
	}

}
