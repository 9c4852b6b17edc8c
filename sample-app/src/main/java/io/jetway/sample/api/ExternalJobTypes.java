package io.jetway.sample.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.jetway.jobs.JobsProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The job types external workers run (docs/external-workers.md): no handler of this
 * application runs them, so the jobs API enqueues each onto its external queue
 * ({@code sample.api.external-queues.<queue>}). Checked at startup: each such queue must
 * be external, a type may be listed under one queue only, and no in-process handler may
 * run a listed type (its jobs would wait on the external queue for a worker that never
 * comes).
 */
public class ExternalJobTypes implements SmartInitializingSingleton {

	private final Map<String, String> queueByType = new HashMap<>();

	private final Supplier<Set<String>> handledTypes;

	/**
	 * @param handledTypes the job types of the application's {@code @JobHandler} methods,
	 * known once every bean is created
	 */
	public ExternalJobTypes(ApiKeysProperties properties, JobsProperties jobs, Supplier<Set<String>> handledTypes) {
		this.handledTypes = handledTypes;
		for (Map.Entry<String, List<String>> queue : properties.getExternalQueues().entrySet()) {
			String property = "sample.api.external-queues." + queue.getKey();
			if (!jobs.queue(queue.getKey()).isExternal()) {
				throw new IllegalStateException(property + " names queue '" + queue.getKey()
						+ "', which is not external: set jetway.jobs.queues." + queue.getKey() + ".external=true");
			}
			for (String type : queue.getValue()) {
				String other = this.queueByType.putIfAbsent(type, queue.getKey());
				if (other != null) {
					throw new IllegalStateException(property + " lists job type '" + type
							+ "', which sample.api.external-queues." + other + " lists as well: name one queue");
				}
			}
		}
	}

	@Override
	public void afterSingletonsInstantiated() {
		Set<String> handled = this.handledTypes.get();
		this.queueByType.forEach((type, queue) -> {
			if (handled.contains(type)) {
				throw new IllegalStateException("sample.api.external-queues." + queue + " lists job type '" + type
						+ "', which an in-process @JobHandler runs: remove it from the list (or the handler)");
			}
		});
	}

	/**
	 * @param type a job type
	 * @return the external queue of the type, or {@code null} when an in-process handler
	 * runs it
	 */
	public @Nullable String queue(String type) {
		return this.queueByType.get(type);
	}

}
