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

	public Duration getJobWork() {
		return this.jobWork;
	}

	public void setJobWork(Duration jobWork) {
		this.jobWork = jobWork;
	}

}
