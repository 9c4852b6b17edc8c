package io.jetway.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.topology.StreamTopology;
import org.jspecify.annotations.Nullable;

/**
 * The read side of the {@code jetway} endpoint: what Jetway holds, part by part (streams,
 * consumers, outbox, dead letters, jobs, schedules), each part only when the application
 * uses it. Parts are read at once, each within {@code jetway.health.timeout}; a part that
 * cannot be read shows its error instead. Shared by the endpoint and the dashboard; its
 * reads' threads are closed with it.
 */
public class JetwayOverview implements AutoCloseable {

	/** The names of the parts, in the order they are shown. */
	public static final List<String> PARTS = List.of("streams", "consumers", "outbox", "deadLetters", "jobs",
			"schedules");

	private final JetStreamReads reads;

	private final @Nullable StreamTopology topology;

	private final @Nullable JetStreamListenerRegistry listeners;

	private final boolean deadLetters;

	private final @Nullable TableReads outboxTables;

	private final @Nullable TableReads jobTables;

	private final BoundedCalls calls;

	private final Clock clock;

	/**
	 * @param reads the JetStream reader
	 * @param topology the topology, when streams are declared
	 * @param listeners the listeners, when the application has any
	 * @param deadLetters whether the application has a dead-letter stream
	 * @param outboxTables the tables, when the application has an outbox
	 * @param jobTables the tables, when the application has jobs
	 * @param calls runs the reads within the timeout
	 * @param clock the clock
	 */
	JetwayOverview(JetStreamReads reads, @Nullable StreamTopology topology,
			@Nullable JetStreamListenerRegistry listeners, boolean deadLetters, @Nullable TableReads outboxTables,
			@Nullable TableReads jobTables, BoundedCalls calls, Clock clock) {
		this.reads = reads;
		this.topology = topology;
		this.listeners = listeners;
		this.deadLetters = deadLetters;
		this.outboxTables = outboxTables;
		this.jobTables = jobTables;
		this.calls = calls;
		this.clock = clock;
	}

	/**
	 * @return every part the application has, by name
	 */
	public Map<String, Object> all() {
		long deadline = this.calls.deadline();
		Map<String, Future<Object>> running = new LinkedHashMap<>();
		for (String part : PARTS) {
			Callable<Object> reader = reader(part);
			if (reader != null) {
				running.put(part, this.calls.submit(reader));
			}
		}
		Map<String, Object> parts = new LinkedHashMap<>();
		running.forEach((part, future) -> parts.put(part, await(part, future, deadline)));
		return parts;
	}

	/**
	 * @param part a part's name
	 * @return the part, or {@code null} when there is no such part or the application
	 * does not use it
	 */
	public @Nullable Object part(String part) {
		Callable<Object> reader = reader(part);
		return (reader != null) ? await(part, this.calls.submit(reader), this.calls.deadline()) : null;
	}

	private Object await(String part, Future<Object> future, long deadline) {
		try {
			return this.calls.await(part, future, deadline);
		}
		catch (RuntimeException ex) {
			return Map.of("error", String.valueOf(ex.getMessage()));
		}
	}

	private @Nullable Callable<Object> reader(String part) {
		StreamTopology streams = this.topology;
		JetStreamListenerRegistry registry = this.listeners;
		TableReads outbox = this.outboxTables;
		TableReads jobs = this.jobTables;
		return switch (part) {
			case "streams" -> (streams != null) ? () -> this.reads.streams(streams) : null;
			case "consumers" -> (registry != null) ? () -> this.reads.consumers(registry) : null;
			case "deadLetters" -> this.deadLetters ? this.reads::deadLetters : null;
			case "outbox" -> (outbox != null) ? () -> outbox(outbox) : null;
			case "jobs" -> (jobs != null) ? () -> jobs(jobs) : null;
			case "schedules" -> (jobs != null) ? () -> schedules(jobs) : null;
			default -> null;
		};
	}

	private Map<String, Object> outbox(TableReads tables) {
		TableReads.Pending pending = tables.outboxPending(TableReads.MAX_COUNTED_PENDING);
		Map<String, Object> outbox = new LinkedHashMap<>();
		outbox.put("pending", pending.count());
		outbox.put("pendingCapped", pending.capped());
		outbox.put("failed", tables.outboxCount("failed"));
		outbox.put("sent", tables.outboxCount("sent"));
		outbox.put("oldestPendingCreatedAt", text(pending.oldestCreatedAt()));
		outbox.put("oldestPendingAgeSeconds", pending.oldestAge(this.clock.instant()).toSeconds());
		return outbox;
	}

	private Map<String, Object> jobs(TableReads tables) {
		Map<String, Object> jobs = new LinkedHashMap<>();
		jobs.put("queues", tables.jobCounts());
		jobs.put("pausedQueues", tables.pausedQueues());
		return jobs;
	}

	private Map<String, Object> schedules(TableReads tables) {
		Map<String, Object> schedules = new LinkedHashMap<>();
		tables.schedules().forEach((name, schedule) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("nextFireAt", text(schedule.nextFireAt()));
			entry.put("lastFireAt", text(schedule.lastFireAt()));
			schedules.put(name, entry);
		});
		return schedules;
	}

	@Override
	public void close() {
		this.calls.close();
	}

	private static @Nullable String text(@Nullable Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

}
