package io.jetway.consumer;

import io.jetway.observation.DefaultListenerObservationConvention;
import io.jetway.observation.JetwayMdc;
import io.jetway.observation.JetwayObservationDocumentation;
import io.jetway.observation.ListenerObservationContext;
import io.jetway.observation.ListenerObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.Message;
import org.jspecify.annotations.Nullable;

/**
 * Calls a listener method for one message under the consumer's handler timeout. (The
 * container keeps the message's ack wait alive from fetch to settlement.) Each call is a
 * {@code jetway.listener} observation that continues the trace of the message's
 * {@code traceparent} header, with the message id in the MDC
 * ({@value JetwayMdc#MESSAGE_ID}).
 */
public class ListenerInvoker {

	private final ListenerMethod method;

	private final HandlerWatchdog watchdog;

	private final String stream;

	private final ObservationRegistry observationRegistry;

	private final @Nullable ListenerObservationConvention observationConvention;

	ListenerInvoker(ListenerMethod method, HandlerWatchdog watchdog, String stream,
			ObservationRegistry observationRegistry, @Nullable ListenerObservationConvention observationConvention) {
		this.method = method;
		this.watchdog = watchdog;
		this.stream = stream;
		this.observationRegistry = observationRegistry;
		this.observationConvention = observationConvention;
	}

	public String consumer() {
		return this.method.consumer();
	}

	/**
	 * @return the message id the inbox deduplicates by
	 */
	public String messageId(Message message) {
		return MessageContext.messageId(message);
	}

	/**
	 * Runs the handler.
	 * @throws Exception what the handler threw, {@link PayloadBindingException}, or
	 * {@link HandlerTimeoutException} when it ran past the handler timeout (whatever it
	 * did after the interrupt)
	 */
	public void invoke(Message message) throws Exception {
		String messageId = messageId(message);
		Observation observation = JetwayObservationDocumentation.LISTENER.observation(this.observationConvention,
				DefaultListenerObservationConvention.INSTANCE,
				() -> new ListenerObservationContext(message, this.method.consumer(), this.stream, messageId),
				this.observationRegistry);
		observation.start();
		try (Observation.Scope scope = observation.openScope();
				JetwayMdc.Entry mdc = JetwayMdc.put(JetwayMdc.MESSAGE_ID, messageId)) {
			invokeObserved(message);
		}
		catch (Exception ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private void invokeObserved(Message message) throws Exception {
		HandlerWatchdog.Run run = this.watchdog.started(message);
		Exception failure = null;
		try {
			this.method.invoke(message, new MessageContext(message, this.method.consumer()));
		}
		catch (Exception ex) {
			failure = ex;
		}
		finally {
			this.watchdog.finished(run);
		}
		if (run.timedOut()) {
			throw new HandlerTimeoutException(this.method.consumer(), this.watchdog.timeout(), failure);
		}
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * Runs the handler and reports the outcome instead of throwing.
	 */
	public DeliveryOutcome invokeForOutcome(Message message) {
		try {
			invoke(message);
			return DeliveryOutcome.HANDLED;
		}
		catch (Exception ex) {
			return DeliveryOutcome.failed(ex);
		}
	}

}
