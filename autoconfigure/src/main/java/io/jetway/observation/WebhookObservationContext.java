package io.jetway.observation;

import java.util.UUID;

import io.micrometer.observation.transport.Kind;
import org.jspecify.annotations.Nullable;

/**
 * The context of a {@link JetwayObservationDocumentation#WEBHOOK} observation: one
 * delivery attempt of a finished job's webhook, continuing the trace stored with the job
 * row, whose {@code traceparent} the request carries.
 */
public class WebhookObservationContext extends JobRowObservationContext {

	private boolean delivered;

	/**
	 * @param jobId the job
	 * @param type its type
	 * @param queue its queue
	 * @param attempt the delivery attempt number
	 * @param traceparent the trace context stored with the job, if any
	 */
	public WebhookObservationContext(UUID jobId, String type, String queue, int attempt, @Nullable String traceparent) {
		super(jobId, type, queue, attempt, traceparent, Kind.CLIENT);
		setRemoteServiceName("webhook");
	}

	/**
	 * @return whether the receiver accepted the delivery (a 2xx answer)
	 */
	public boolean isDelivered() {
		return this.delivered;
	}

	public void setDelivered(boolean delivered) {
		this.delivered = delivered;
	}

}
