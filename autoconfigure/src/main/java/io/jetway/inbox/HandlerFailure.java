package io.jetway.inbox;

/**
 * Carries a checked exception of a handler out of a transaction callback, so that the
 * transaction rolls back.
 */
class HandlerFailure extends RuntimeException {

	HandlerFailure(Exception cause) {
		super(cause);
	}

}
