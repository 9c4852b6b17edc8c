package io.jetway.consumer;

import io.nats.client.Message;

/**
 * Calls a listener method for one message under the consumer's handler timeout. (The
 * container keeps the message's ack wait alive from fetch to settlement.)
 */
public class ListenerInvoker {

	private final ListenerMethod method;

	private final HandlerWatchdog watchdog;

	ListenerInvoker(ListenerMethod method, HandlerWatchdog watchdog) {
		this.method = method;
		this.watchdog = watchdog;
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
