package io.jetway.jobs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import io.jetway.consumer.JetStreamListenerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Starts a {@link JobWorker} for every queue some {@link JobHandler} uses, after the
 * topology and outbox, and stops them (running jobs finish within the shutdown timeout)
 * before the outbox relay stops.
 */
public class JobWorkers implements SmartLifecycle {

	private final JobHandlers handlers;

	private final Function<String, JobWorker> workerFactory;

	private final JobCompletions completions;

	private final Duration shutdownTimeout;

	private final Map<String, JobWorker> workers = new LinkedHashMap<>();

	private volatile boolean running;

	private Predicate<String> externalQueues = (queue) -> false;

	public JobWorkers(JobHandlers handlers, Function<String, JobWorker> workerFactory, JobCompletions completions,
			Duration shutdownTimeout) {
		this.handlers = handlers;
		this.workerFactory = workerFactory;
		this.completions = completions;
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * @param externalQueues whether a queue is served to external workers, so that no
	 * worker of this instance consumes it
	 */
	public void setExternalQueues(Predicate<String> externalQueues) {
		this.externalQueues = externalQueues;
	}

	@Override
	public synchronized void start() {
		this.completions.start();
		Set<String> queues = this.handlers.queues();
		for (String queue : queues) {
			if (this.externalQueues.test(queue)) {
				// served to external workers (jetway.jobs.ojs), not run here
				continue;
			}
			JobWorker worker = this.workers.computeIfAbsent(queue, this.workerFactory);
			worker.start();
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		this.workers.values().parallelStream().forEach((worker) -> worker.stop(this.shutdownTimeout));
		this.completions.stop();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return JetStreamListenerRegistry.PHASE;
	}

	public @Nullable JobWorker getWorker(String queue) {
		return this.workers.get(queue);
	}

}
