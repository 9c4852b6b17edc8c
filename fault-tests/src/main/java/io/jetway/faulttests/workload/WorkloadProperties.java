package io.jetway.faulttests.workload;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the workload.
 */
@ConfigurationProperties("workload")
public class WorkloadProperties {

	/**
	 * Name of this instance, recorded with every effect it makes.
	 */
	private String instance = "workload";

	/**
	 * Business operations the run commits in total, shared by all instances (0: this
	 * instance commits none).
	 */
	private int operations;

	/**
	 * Business operations this instance commits per second at most.
	 */
	private int rate = 200;

	/**
	 * Whether the driver waits, before its first operation, until the suite records the
	 * start of the run in {@code workload_start}: instances started one after the other
	 * then drive together, and a fault injected mid-run finds every instance at work.
	 */
	private boolean awaitStart;

	/**
	 * How long a job handler works before it records its effect.
	 */
	private Duration jobWork = Duration.ofMillis(5);

	public String getInstance() {
		return this.instance;
	}

	public void setInstance(String instance) {
		this.instance = instance;
	}

	public int getOperations() {
		return this.operations;
	}

	public void setOperations(int operations) {
		this.operations = operations;
	}

	public int getRate() {
		return this.rate;
	}

	public void setRate(int rate) {
		this.rate = rate;
	}

	public boolean isAwaitStart() {
		return this.awaitStart;
	}

	public void setAwaitStart(boolean awaitStart) {
		this.awaitStart = awaitStart;
	}

	public Duration getJobWork() {
		return this.jobWork;
	}

	public void setJobWork(Duration jobWork) {
		this.jobWork = jobWork;
	}

}
