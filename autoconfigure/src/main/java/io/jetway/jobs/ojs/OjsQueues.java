package io.jetway.jobs.ojs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.jetway.consumer.ConsumerEnsurer;
import io.jetway.consumer.PullFetcher;
import io.jetway.jobs.JobQueueConsumers;
import io.jetway.jobs.JobSubjects;
import io.jetway.jobs.JobsProperties;
import io.jetway.topology.Namespace;
import io.jetway.topology.Subjects;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;

import org.springframework.http.HttpStatus;

/**
 * The job queues external workers use: checks their names and the cap on their number,
 * ensures each one's durable consumer (the same one in-process workers would use), pulls
 * messages on a worker's behalf, and settles messages through their reply subjects, which
 * any connection can do: so any instance settles any lease.
 */
class OjsQueues {

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,200}");

	private final JobsProperties jobs;

	private final OjsProperties properties;

	private final Namespace namespace;

	private final JobSubjects subjects;

	private final String stream;

	private final Connection connection;

	private final ConsumerEnsurer ensurer;

	private final Map<String, PullFetcher> fetchers = new ConcurrentHashMap<>();

	OjsQueues(JobsProperties jobs, OjsProperties properties, JobSubjects subjects, Namespace namespace,
			Connection connection, ConsumerEnsurer ensurer) {
		this.jobs = jobs;
		this.subjects = subjects;
		this.properties = properties;
		this.namespace = namespace;
		this.stream = namespace.streamName(jobs.getStream());
		this.connection = connection;
		this.ensurer = ensurer;
	}

	/**
	 * Purges the jobs stream: every job message of every queue (a conformance run's
	 * reset).
	 */
	void purge() {
		try {
			this.connection.jetStreamManagement().purgeStream(this.stream);
		}
		catch (Exception ex) {
			throw new OjsException(HttpStatus.SERVICE_UNAVAILABLE, "backend_unavailable",
					"Could not purge stream " + this.stream + ": " + ex.getMessage(), Map.of());
		}
	}

	/**
	 * @throws OjsException when the name is not valid
	 */
	static String checkName(String queue) {
		if (!VALID.matcher(queue).matches()) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_queue", "Queue name '" + queue
					+ "' is not valid: use 1 to 200 letters, digits, '-' and '_' (it becomes a NATS subject token)",
					Map.of("field", "queue"));
		}
		return queue;
	}

	/**
	 * @return whether a (namespaced) subject is one of the jobs stream's
	 */
	boolean isJobSubject(String subject) {
		return this.subjects.streamSubjects()
			.stream()
			.anyMatch((streamSubject) -> Subjects.covers(this.namespace.subject(streamSubject), subject));
	}

	/**
	 * @return whether the queue is declared under {@code jetway.jobs.queues}
	 */
	boolean isDeclared(String queue) {
		return this.jobs.getQueues().containsKey(queue);
	}

	boolean isExternal(String queue) {
		return this.jobs.queue(queue).isExternal();
	}

	/**
	 * Makes sure the queue's consumer exists, within the cap on undeclared queues.
	 * @throws OjsException when the queue is not external or one queue too many
	 */
	void ensure(String queue) {
		if (this.fetchers.containsKey(queue)) {
			return;
		}
		if (!isExternal(queue)) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_queue",
					"Queue '" + queue
							+ "' is run by in-process handlers, not by external workers: set jetway.jobs.queues."
							+ queue + ".external=true (or jetway.jobs.defaults.external=true for queues not declared)",
					Map.of("queue", queue));
		}
		synchronized (this.fetchers) {
			if (this.fetchers.containsKey(queue)) {
				return;
			}
			try {
				JetStreamManagement management = this.connection.jetStreamManagement();
				List<String> consumers = management.getConsumerNames(this.stream);
				if (!consumers.contains(JobQueueConsumers.name(queue)) && !this.jobs.getQueues().containsKey(queue)
						&& consumers.size() >= this.properties.getMaxQueues()) {
					throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_queue",
							"Queue '" + queue + "' would be one queue too many: the jobs stream has " + consumers.size()
									+ " consumers and jetway.jobs.ojs.max-queues is " + this.properties.getMaxQueues()
									+ "; raise it, or declare the queue under jetway.jobs.queues",
							Map.of("queue", queue));
				}
				this.ensurer.ensure(this.stream, JobQueueConsumers.configuration(queue,
						this.namespace.subject(this.subjects.filter(queue)), this.jobs.queue(queue)));
				this.fetchers.put(queue,
						new PullFetcher(this.connection.jetStream(), this.stream, JobQueueConsumers.name(queue)));
			}
			catch (OjsException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new OjsException(HttpStatus.SERVICE_UNAVAILABLE, "backend_unavailable",
						"Could not create the consumer of job queue '" + queue + "': " + ex.getMessage(), Map.of());
			}
		}
	}

	/**
	 * Checks that OJS may pause or resume the queue: an external queue that is declared,
	 * has a consumer on the jobs stream, or is paused already.
	 * @throws OjsException 403 for a queue in-process handlers run (pause it through
	 * {@code JobClient}), 404 for a queue nothing knows
	 */
	void checkPausable(String queue, boolean paused) {
		checkName(queue);
		if (!isExternal(queue)) {
			throw new OjsException(HttpStatus.FORBIDDEN, "permission_denied",
					"Queue '" + queue + "' is run by in-process handlers: OJS pauses and resumes only external queues "
							+ "(jetway.jobs.queues." + queue + ".external=true); pause it through JobClient",
					Map.of("queue", queue));
		}
		if (paused || this.fetchers.containsKey(queue) || this.jobs.getQueues().containsKey(queue)) {
			return;
		}
		List<String> consumers;
		try {
			consumers = this.connection.jetStreamManagement().getConsumerNames(this.stream);
		}
		catch (Exception ex) {
			throw new OjsException(HttpStatus.SERVICE_UNAVAILABLE, "backend_unavailable",
					"Could not list the consumers of stream " + this.stream + ": " + ex.getMessage(), Map.of());
		}
		if (!consumers.contains(JobQueueConsumers.name(queue))) {
			throw new OjsException(HttpStatus.NOT_FOUND, "not_found",
					"Queue '" + queue + "' not found: no job was pushed to or fetched from it and it is not declared "
							+ "under jetway.jobs.queues",
					Map.of("resource_type", "queue", "resource_id", queue));
		}
	}

	/**
	 * @return the queues that have a consumer on the jobs stream (every queue a job was
	 * pushed to or fetched from, and every queue an in-process worker runs), by name
	 */
	List<Map<String, Object>> list(Predicate<String> paused) {
		try {
			return this.connection.jetStreamManagement()
				.getConsumers(this.stream)
				.stream()
				.filter((consumer) -> consumer.getName().startsWith(JobQueueConsumers.name("")))
				.map((consumer) -> {
					String queue = consumer.getName().substring(JobQueueConsumers.name("").length());
					Map<String, Object> description = new LinkedHashMap<>();
					description.put("name", queue);
					description.put("status", paused.test(queue) ? "paused" : "active");
					description.put("external", isExternal(queue));
					description.put("created_at", consumer.getCreationTime().toInstant().toString());
					return description;
				})
				.sorted(Comparator.comparing((queue) -> (String) queue.get("name")))
				.toList();
		}
		catch (Exception ex) {
			throw new OjsException(HttpStatus.SERVICE_UNAVAILABLE, "backend_unavailable",
					"Could not list the consumers of stream " + this.stream + ": " + ex.getMessage(), Map.of());
		}
	}

	/**
	 * Pulls up to {@code count} messages of the queue. One pull per queue and instance at
	 * a time.
	 * @param wait whether to wait up to a second for a message when none is there
	 */
	List<Message> pull(String queue, int count, boolean wait) {
		ensure(queue);
		PullFetcher fetcher = this.fetchers.get(queue);
		synchronized (fetcher) {
			try {
				return fetcher.fetch(count, () -> wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return List.of();
			}
			catch (Exception ex) {
				throw new OjsException(HttpStatus.SERVICE_UNAVAILABLE, "backend_unavailable",
						"Could not fetch from job queue '" + queue + "': " + ex.getMessage(), Map.of());
			}
		}
	}

	/** Acknowledges the message whose reply subject this is. */
	void ack(String replySubject) {
		send(replySubject, "+ACK");
	}

	/** Keeps the message from being redelivered for another ack wait. */
	void inProgress(String replySubject) {
		send(replySubject, "+WPI");
	}

	/** Has the message redelivered after the delay. */
	void redeliverAfter(String replySubject, Duration delay) {
		send(replySubject, "-NAK {\"delay\": " + JobQueueConsumers.nakDelayNanos(delay) + "}");
	}

	/**
	 * Best effort: the database already holds the outcome; a message that is not settled
	 * is redelivered after its ack wait, and its job, ended or not due, is settled then.
	 */
	private void send(String replySubject, String body) {
		this.connection.publish(replySubject, body.getBytes(StandardCharsets.US_ASCII));
	}

	void close() {
		this.fetchers.values().forEach(PullFetcher::close);
		this.fetchers.clear();
	}

}
