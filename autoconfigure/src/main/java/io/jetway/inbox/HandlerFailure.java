package io.jetway.inbox;

/**
 * Carries any exception of a handler out of a transaction callback, so that the
 * transaction rolls back and the failure is known to be the handler's.
 */
class HandlerFailure extends RuntimeException {

	HandlerFailure(Exception cause) {
		super(cause);
	}

}
