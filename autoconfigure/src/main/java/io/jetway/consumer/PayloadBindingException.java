package io.jetway.consumer;

/**
 * The message body could not be read as the handler's parameter type. Never retried: the
 * message goes to the dead-letter subject on its first delivery.
 */
public class PayloadBindingException extends NonRetryableException {

	public PayloadBindingException(String message, Throwable cause) {
		super(message, cause);
	}

}
