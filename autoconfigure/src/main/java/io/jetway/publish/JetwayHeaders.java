package io.jetway.publish;

/**
 * Names of the headers Jetway writes. Metadata follows the CloudEvents binary mode for
 * NATS, so a plain NATS client in any language reads the body as the payload itself.
 */
public final class JetwayHeaders {

	/** JetStream's de-duplication id; the same value as {@link #CE_ID}. */
	public static final String NATS_MSG_ID = "Nats-Msg-Id";

	public static final String CE_ID = "ce-id";

	public static final String CE_TYPE = "ce-type";

	public static final String CE_SOURCE = "ce-source";

	public static final String CE_TIME = "ce-time";

	public static final String CE_SPECVERSION = "ce-specversion";

	public static final String CONTENT_TYPE = "content-type";

	/** W3C trace context, when a trace is active. */
	public static final String TRACEPARENT = "traceparent";

	/**
	 * The metadata of a job message's job, the JSON object given at enqueue (absent
	 * without metadata).
	 */
	public static final String JOB_META = "Jetway-Job-Meta";

	private JetwayHeaders() {
	}

}
