package io.jetway.jobs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of a job type. Parameters: the payload (a type
 * Jackson reads, {@code String} for the raw JSON, or {@code JsonNode}) and optionally a
 * {@link JobContext}. The return value is stored as the job's result (JSON). Throwing
 * retries the job with its queue's backoff; {@code NonRetryableException} fails it at
 * once.
 *
 * <pre class="code">
 * &#64;JobHandler(type = "send_email", queue = "email")
 * EmailSent send(SendEmail job, JobContext context) { ... }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface JobHandler {

	/**
	 * @return the job type, unique in the application
	 */
	String type();

	/**
	 * @return the queue whose workers run it ({@code jetway.jobs.queues.<queue>})
	 */
	String queue() default "default";

	/**
	 * Runs the handler in a transaction of the application's transaction manager (on
	 * Jetway's DataSource) that also commits the job's completion, fenced on the attempt:
	 * a stale attempt's transaction rolls back. A handler whose effects are all in that
	 * database then has them exactly once. A handler that throws has its transaction
	 * rolled back and is retried as usual.
	 * @return whether the handler runs in the completing transaction
	 */
	boolean transactional() default false;

}
