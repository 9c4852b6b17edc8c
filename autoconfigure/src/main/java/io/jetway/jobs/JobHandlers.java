package io.jetway.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import io.jetway.support.AnnotatedMethodCollector.AnnotatedMethod;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Finds {@link JobHandler} methods on beans and knows them by type. Two handlers for one
 * type fail startup.
 */
public class JobHandlers implements SmartInitializingSingleton {

	private final Map<String, JobHandlerMethod> byType = new LinkedHashMap<>();

	private final JobHandlerAnnotationBeanPostProcessor finder;

	private final JsonMapper jsonMapper;

	private int resolved;

	public JobHandlers(JobHandlerAnnotationBeanPostProcessor finder, JsonMapper jsonMapper) {
		this.finder = finder;
		this.jsonMapper = jsonMapper;
	}

	@Override
	public void afterSingletonsInstantiated() {
		resolve();
	}

	private synchronized void resolve() {
		List<AnnotatedMethod<JobHandler>> found = this.finder.found();
		for (int i = this.resolved; i < found.size(); i++) {
			AnnotatedMethod<JobHandler> each = found.get(i);
			register(new JobHandlerMethod(each.bean(), each.method(), each.annotation().type(),
					each.annotation().queue(), each.annotation().transactional(), this.jsonMapper));
		}
		this.resolved = found.size();
	}

	synchronized void register(JobHandlerMethod handler) {
		QueueNames.check(handler.queue(), "@JobHandler of " + handler.describe());
		JobHandlerMethod existing = this.byType.putIfAbsent(handler.type(), handler);
		if (existing != null) {
			throw new IllegalStateException("Job type '" + handler.type() + "' has two @JobHandler methods: "
					+ existing.describe() + " and " + handler.describe() + ". Give each a type of its own.");
		}
	}

	public synchronized @Nullable JobHandlerMethod get(String type) {
		resolve();
		return this.byType.get(type);
	}

	public synchronized Set<String> types() {
		resolve();
		return new TreeSet<>(this.byType.keySet());
	}

	/**
	 * @return the queues some handler uses
	 */
	public synchronized Set<String> queues() {
		resolve();
		Set<String> queues = new TreeSet<>();
		this.byType.values().forEach((handler) -> queues.add(handler.queue()));
		return queues;
	}

}
