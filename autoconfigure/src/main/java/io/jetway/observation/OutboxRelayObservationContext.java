package io.jetway.observation;

import io.micrometer.observation.Observation;

/**
 * The context of a {@link JetwayObservationDocumentation#OUTBOX_RELAY} observation: one
 * batch of outbox rows.
 */
public class OutboxRelayObservationContext extends Observation.Context {

	private final int rows;

	private int failedRows;

	/**
	 * @param rows the rows in the batch
	 */
	public OutboxRelayObservationContext(int rows) {
		this.rows = rows;
	}

	public int getRows() {
		return this.rows;
	}

	/**
	 * @return the rows that failed to publish, known when the batch ends
	 */
	public int getFailedRows() {
		return this.failedRows;
	}

	public void setFailedRows(int failedRows) {
		this.failedRows = failedRows;
	}

}
