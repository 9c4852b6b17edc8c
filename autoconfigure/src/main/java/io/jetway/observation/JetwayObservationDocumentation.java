package io.jetway.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;
import org.jspecify.annotations.Nullable;

/**
 * The observations Jetway makes. Each is named by its default convention; a bean of the
 * matching {@code ...ObservationConvention} type replaces it.
 */
public enum JetwayObservationDocumentation implements ObservationDocumentation {

	/**
	 * One publish: the message written to the outbox in the caller's transaction, or
	 * published directly; also one job enqueue. Injects {@code traceparent} into the
	 * message headers (stored with the outbox row) or the job row.
	 */
	PUBLISH(DefaultPublishObservationConvention.class,
			new KeyName[] { LowCardinalityKeyNames.TYPE, LowCardinalityKeyNames.OUTCOME },
			new KeyName[] { HighCardinalityKeyNames.MESSAGE_ID, HighCardinalityKeyNames.SUBJECT }),

	/**
	 * One batch of outbox rows published by the relay. Each row keeps the trace context
	 * stored with it, sent as its {@code traceparent} header.
	 */
	OUTBOX_RELAY(DefaultOutboxRelayObservationConvention.class, new KeyName[] { LowCardinalityKeyNames.OUTCOME },
			new KeyName[] { HighCardinalityKeyNames.ROWS, HighCardinalityKeyNames.FAILED_ROWS }),

	/**
	 * One invocation of a {@code @JetStreamListener} method, continuing the trace of the
	 * message's {@code traceparent} header.
	 */
	LISTENER(DefaultListenerObservationConvention.class,
			new KeyName[] { LowCardinalityKeyNames.STREAM, LowCardinalityKeyNames.CONSUMER, LowCardinalityKeyNames.TYPE,
					LowCardinalityKeyNames.OUTCOME },
			new KeyName[] { HighCardinalityKeyNames.MESSAGE_ID, HighCardinalityKeyNames.SUBJECT }),

	/**
	 * One attempt of a job, continuing the trace stored with the job row when it was
	 * enqueued.
	 */
	JOB(DefaultJobObservationConvention.class,
			new KeyName[] { LowCardinalityKeyNames.QUEUE, LowCardinalityKeyNames.TYPE, LowCardinalityKeyNames.OUTCOME },
			new KeyName[] { HighCardinalityKeyNames.JOB_ID, HighCardinalityKeyNames.ATTEMPT }),

	/**
	 * One webhook delivery attempt of a finished job, continuing the trace stored with
	 * the job row; the request carries that {@code traceparent}.
	 */
	WEBHOOK(DefaultWebhookObservationConvention.class,
			new KeyName[] { LowCardinalityKeyNames.QUEUE, LowCardinalityKeyNames.TYPE, LowCardinalityKeyNames.OUTCOME },
			new KeyName[] { HighCardinalityKeyNames.JOB_ID, HighCardinalityKeyNames.ATTEMPT });

	private final Class<? extends ObservationConvention<? extends Observation.Context>> defaultConvention;

	private final KeyName[] lowCardinalityKeyNames;

	private final KeyName[] highCardinalityKeyNames;

	JetwayObservationDocumentation(
			Class<? extends ObservationConvention<? extends Observation.Context>> defaultConvention,
			KeyName[] lowCardinalityKeyNames, KeyName[] highCardinalityKeyNames) {
		this.defaultConvention = defaultConvention;
		this.lowCardinalityKeyNames = lowCardinalityKeyNames;
		this.highCardinalityKeyNames = highCardinalityKeyNames;
	}

	@Override
	public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
		return this.defaultConvention;
	}

	@Override
	public KeyName[] getLowCardinalityKeyNames() {
		return this.lowCardinalityKeyNames.clone();
	}

	@Override
	public KeyName[] getHighCardinalityKeyNames() {
		return this.highCardinalityKeyNames.clone();
	}

	/** The value of {@link LowCardinalityKeyNames#OUTCOME} when the work succeeded. */
	public static final String SUCCESS = "success";

	/** The value of {@link LowCardinalityKeyNames#OUTCOME} when the work failed. */
	public static final String FAILURE = "failure";

	/** The value of a tag whose value is not known (no message type, say). */
	public static final String NONE = "none";

	/**
	 * Tags with few values, also on the metrics an observation handler derives.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/** The stream, namespace applied. */
		STREAM("stream"),

		/** The consumer (the {@code @JetStreamListener} value). */
		CONSUMER("consumer"),

		/** The job queue. */
		QUEUE("queue"),

		/** The message type ({@code ce-type}) or the job type. */
		TYPE("type"),

		/** {@code success} or {@code failure}. */
		OUTCOME("outcome");

		private final String key;

		LowCardinalityKeyNames(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

	/**
	 * Tags with many values: on spans only.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/** The message id ({@code Nats-Msg-Id}). */
		MESSAGE_ID("jetway.message.id"),

		/** The subject, namespace applied. */
		SUBJECT("jetway.subject"),

		/** The job id. */
		JOB_ID("jetway.job.id"),

		/** The attempt number of a job or webhook delivery. */
		ATTEMPT("jetway.attempt"),

		/** The rows in an outbox relay batch. */
		ROWS("jetway.outbox.rows"),

		/** The rows of an outbox relay batch that failed to publish. */
		FAILED_ROWS("jetway.outbox.failed-rows");

		private final String key;

		HighCardinalityKeyNames(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

	static String outcome(Observation.Context context) {
		return (context.getError() != null) ? FAILURE : SUCCESS;
	}

	static String orNone(@Nullable String value) {
		return (value != null) ? value : NONE;
	}

	/**
	 * A message's type as a low-cardinality value: {@code none} when it has none, or when
	 * its {@code ce-type} is only the subject Jetway fills in when the publisher gave no
	 * type (subjects often carry ids, which would make one series per message).
	 */
	static String messageType(@Nullable String type, String subject) {
		if (type == null || subject.equals(type) || subject.endsWith("." + type)) {
			return NONE;
		}
		return type;
	}

}
