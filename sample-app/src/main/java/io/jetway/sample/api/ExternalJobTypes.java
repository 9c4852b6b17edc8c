package io.jetway.sample.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.jetway.jobs.JobsProperties;
import org.jspecify.annotations.Nullable;

/**
 * The job types external workers run (docs/external-workers.md): no handler of this
 * application runs them, so the jobs API enqueues each onto its external queue
 * ({@code sample.api.external-queues.<queue>}). Checked at startup: each such queue must
 * be external, and a type may be listed under one queue only.
 */
public class ExternalJobTypes {

	private final Map<String, String> queueByType = new HashMap<>();

	public ExternalJobTypes(ApiKeysProperties properties, JobsProperties jobs) {
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

	/**
	 * @param type a job type
	 * @return the external queue of the type, or {@code null} when an in-process handler
	 * runs it
	 */
	public @Nullable String queue(String type) {
		return this.queueByType.get(type);
	}

}
