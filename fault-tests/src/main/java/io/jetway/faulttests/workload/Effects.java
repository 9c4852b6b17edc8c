package io.jetway.faulttests.workload;

import java.util.concurrent.locks.LockSupport;

import io.jetway.consumer.JetStreamListener;
import io.jetway.consumer.NonRetryableException;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobHandler;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The downstream of every operation. The listener (consumer {@code effects}, inbox on)
 * records a listener effect and enqueues a job in the inbox transaction; the job records
 * a job effect after its work. Neither effect table has a unique constraint, so every
 * duplicate is counted.
 */
@Component
class Effects {

	private final JdbcTemplate jdbc;

	private final JobClient jobs;

	private final WorkloadProperties properties;

	Effects(JdbcTemplate jdbc, JobClient jobs, WorkloadProperties properties) {
		this.jdbc = jdbc;
		this.jobs = jobs;
		this.properties = properties;
	}

	@JetStreamListener("effects")
	void on(OperationCreated event) {
		Integer known = this.jdbc.queryForObject("SELECT count(*) FROM workload_operations WHERE id = ?", Integer.class,
				event.operationId());
		if (known == null || known == 0) {
			throw new NonRetryableException("No operation " + event.operationId() + " was committed");
		}
		this.jdbc.update("INSERT INTO workload_listener_effects (operation_id, instance) VALUES (?, ?)",
				event.operationId(), this.properties.getInstance());
		this.jobs.enqueue(RecordJobEffect.TYPE, new RecordJobEffect(event.operationId()));
	}

	@JobHandler(type = RecordJobEffect.TYPE, queue = "effects")
	void record(RecordJobEffect job) {
		LockSupport.parkNanos(this.properties.getJobWork().toNanos());
		this.jdbc.update("INSERT INTO workload_job_effects (operation_id, instance) VALUES (?, ?)", job.operationId(),
				this.properties.getInstance());
	}

}
