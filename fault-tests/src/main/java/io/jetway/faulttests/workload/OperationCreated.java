package io.jetway.faulttests.workload;

/**
 * The event of a committed business operation.
 *
 * @param operationId the operation's id
 */
public record OperationCreated(long operationId) {

	/** The subject the event is published on. */
	public static final String SUBJECT = "operations.created";

}
