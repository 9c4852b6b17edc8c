package io.jetway.consumer;

import io.nats.client.Message;

/**
 * Calls a listener method for one message, with the message marked in flight so that the
 * container keeps its ack wait alive while the handler runs.
 */
public class ListenerInvoker {

	private final ListenerMethod method;

	private final InFlightMessages inFlight;

	ListenerInvoker(ListenerMethod method, InFlightMessages inFlight) {
		this.method = method;
		this.inFlight = inFlight;
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
	 * @throws Exception what the handler threw, or {@link PayloadBindingException}
	 */
	public void invoke(Message message) throws Exception {
		this.inFlight.add(message);
		try {
			this.method.invoke(message, new MessageContext(message, this.method.consumer()));
		}
		finally {
			this.inFlight.remove(message);
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
