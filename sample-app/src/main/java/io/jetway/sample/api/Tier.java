package io.jetway.sample.api;

/**
 * A project's plan, which limits how many jobs it may enqueue per minute.
 */
public enum Tier {

	FREE(20),

	PRO(200),

	ENTERPRISE(2_000);

	private final int jobEnqueuesPerMinute;

	Tier(int jobEnqueuesPerMinute) {
		this.jobEnqueuesPerMinute = jobEnqueuesPerMinute;
	}

	public int jobEnqueuesPerMinute() {
		return this.jobEnqueuesPerMinute;
	}

}
