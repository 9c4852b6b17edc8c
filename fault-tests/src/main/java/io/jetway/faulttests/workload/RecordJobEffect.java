package io.jetway.faulttests.workload;

/**
 * The payload of the job each handled event enqueues.
 *
 * @param operationId the operation's id
 */
public record RecordJobEffect(long operationId) {

	/** The job type. */
	public static final String TYPE = "record_effect";

}
