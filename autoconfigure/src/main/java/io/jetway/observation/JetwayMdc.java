package io.jetway.observation;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

import org.springframework.util.ClassUtils;

/**
 * The MDC keys Jetway sets while a handler runs, so that its log lines say which message
 * or job they belong to. (The trace and span ids come from the tracing bridge's own MDC
 * support, {@code traceId} and {@code spanId}.) Does nothing without SLF4J.
 */
public final class JetwayMdc {

	/** The message id ({@code Nats-Msg-Id}) while a {@code @JetStreamListener} runs. */
	public static final String MESSAGE_ID = "jetway.messageId";

	/** The job id while a {@code @JobHandler} runs. */
	public static final String JOB_ID = "jetway.jobId";

	private static final boolean PRESENT = ClassUtils.isPresent("org.slf4j.MDC", JetwayMdc.class.getClassLoader());

	private JetwayMdc() {
	}

	/**
	 * Sets a key until the returned entry is closed, which restores its earlier value.
	 * @param key the key
	 * @param value the value
	 * @return the entry to close
	 */
	public static Entry put(String key, String value) {
		if (!PRESENT) {
			return Entry.NONE;
		}
		return Slf4j.put(key, value);
	}

	/**
	 * A key set for a while.
	 */
	@FunctionalInterface
	public interface Entry extends AutoCloseable {

		/** Nothing set. */
		Entry NONE = () -> {
		};

		/** Removes the key, or restores its earlier value. */
		@Override
		void close();

	}

	/** Loaded only when SLF4J is there. */
	private static final class Slf4j {

		static Entry put(String key, String value) {
			@Nullable String previous = MDC.get(key);
			MDC.put(key, value);
			return () -> {
				if (previous != null) {
					MDC.put(key, previous);
				}
				else {
					MDC.remove(key);
				}
			};
		}

	}

}
