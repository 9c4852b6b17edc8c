package io.jetway.jobs;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Micrometer meters of jobs. The {@code jetway.jobs.states} gauge per {@code queue} and
 * {@code state} (read from the table at most every 5 seconds) is registered for every
 * configured queue and every queue a handler uses once the application started, and for
 * any other queue once a job is enqueued to it or a read finds jobs in it. Per
 * {@code queue} and {@code type}, at their first event: the {@code jetway.jobs.enqueued}
 * counter, the {@code jetway.jobs.attempts} timer by {@code outcome} ({@code completed},
 * {@code retried}, {@code failed}: out of attempts, {@code stale}: ended after the job
 * was given to a newer attempt) and the {@code jetway.jobs.webhooks} timer of webhook
 * deliveries by {@code outcome} ({@code delivered}, {@code retried}, {@code failed}). The
 * catalogue is in docs/operations.md.
 */
public class JobMetrics implements MeterBinder, JobObserver, SmartInitializingSingleton {

	private static final Duration TABLE_READ_INTERVAL = Duration.ofSeconds(5);

	private final JobRepository repository;

	private final Supplier<Collection<String>> knownQueues;

	private final Set<String> queuesWithGauges = ConcurrentHashMap.newKeySet();

	private volatile @Nullable MeterRegistry registry;

	private volatile Map<String, Map<JobState, Long>> counts = Map.of();

	private volatile long readAt;

	private volatile boolean read;

	/**
	 * @param repository the jobs table
	 * @param knownQueues the queues to show from the start: configured ones and those a
	 * handler uses
	 */
	public JobMetrics(JobRepository repository, Supplier<Collection<String>> knownQueues) {
		this.repository = repository;
		this.knownQueues = knownQueues;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		this.knownQueues.get().forEach(this::ensureStateGauges);
	}

	@Override
	public void afterSingletonsInstantiated() {
		// handlers are all known now; bindTo may have run before
		if (this.registry != null) {
			this.knownQueues.get().forEach(this::ensureStateGauges);
		}
	}

	private void ensureStateGauges(String queue) {
		MeterRegistry current = this.registry;
		if (current == null || !this.queuesWithGauges.add(queue)) {
			return;
		}
		for (JobState state : JobState.values()) {
			Gauge.builder("jetway.jobs.states", this, (metrics) -> metrics.count(queue, state))
				.description("Jobs in the table by queue and state")
				.tag("queue", queue)
				.tag("state", state.columnValue())
				.register(current);
		}
	}

	@Override
	public void enqueued(String queue, String type) {
		MeterRegistry current = this.registry;
		if (current != null) {
			ensureStateGauges(queue);
			Counter.builder("jetway.jobs.enqueued")
				.description("Jobs enqueued (counted after their transaction committed)")
				.tag("queue", queue)
				.tag("type", type)
				.register(current)
				.increment();
		}
	}

	@Override
	public void completed(String queue, String type, Duration duration) {
		attempt(queue, type, "completed", duration);
	}

	@Override
	public void failed(String queue, String type, Duration duration, boolean retrying) {
		attempt(queue, type, retrying ? "retried" : "failed", duration);
	}

	@Override
	public void staleAttempt(String queue, String type, Duration duration) {
		attempt(queue, type, "stale", duration);
	}

	private void attempt(String queue, String type, String outcome, Duration duration) {
		MeterRegistry current = this.registry;
		if (current != null) {
			Timer.builder("jetway.jobs.attempts")
				.description("Job attempts by outcome, and how long their handlers ran")
				.tag("queue", queue)
				.tag("type", type)
				.tag("outcome", outcome)
				.register(current)
				.record(duration);
		}
	}

	@Override
	public void webhookAttempt(String queue, String type, String outcome, Duration duration) {
		MeterRegistry current = this.registry;
		if (current != null) {
			Timer.builder("jetway.jobs.webhooks")
				.description("Webhook delivery attempts of finished jobs by outcome, and how long they took")
				.tag("queue", queue)
				.tag("type", type)
				.tag("outcome", outcome)
				.register(current)
				.record(duration);
		}
	}

	private double count(String queue, JobState state) {
		long now = System.nanoTime();
		if (!this.read || now - this.readAt > TABLE_READ_INTERVAL.toNanos()) {
			this.read = true;
			this.readAt = now;
			try {
				this.counts = this.repository.countByQueueAndState();
				this.counts.keySet().forEach(this::ensureStateGauges);
			}
			catch (RuntimeException ex) {
				// keep the last counts
			}
		}
		Map<JobState, Long> ofQueue = this.counts.get(queue);
		return (ofQueue != null) ? ofQueue.getOrDefault(state, 0L) : 0;
	}

}
