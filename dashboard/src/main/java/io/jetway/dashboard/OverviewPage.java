package io.jetway.dashboard;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.jetway.actuate.JetStreamReads.ConsumerFigures;
import io.jetway.actuate.JetStreamReads.DeadLetterCounts;
import io.jetway.actuate.JetStreamReads.StreamFigures;
import io.jetway.jobs.JobState;
import org.jspecify.annotations.Nullable;

/**
 * The overview: NATS, streams, consumers, outbox, dead letters, jobs and schedules, each
 * figure live.
 */
final class OverviewPage {

	private final Frame frame;

	private final Html html = new Html();

	OverviewPage(Frame frame) {
		this.frame = frame;
	}

	/**
	 * @param connection the NATS connection's status and server
	 * @param parts the overview's parts ({@code JetwayOverview.all()})
	 */
	Html render(Map<String, String> connection, Map<String, Object> parts) {
		section("NATS");
		this.html.open("table").open("tbody");
		connection.forEach((name, value) -> this.html.open("tr")
			.element("th", name)
			.element("td", value, "data-live", "nats." + name)
			.close("tr"));
		this.html.close("tbody").close("table");
		parts.forEach(this::part);
		return this.html;
	}

	private void part(String name, Object part) {
		if (part instanceof Map<?, ?> map && map.containsKey("error") && map.size() == 1) {
			section(title(name));
			this.html.element("p", "Could not be read: " + map.get("error"), "class", "error");
			return;
		}
		switch (name) {
			case "streams" -> streams((List<?>) part);
			case "consumers" -> consumers((List<?>) part);
			case "outbox" -> outbox((Map<?, ?>) part);
			case "deadLetters" -> deadLetters((DeadLetterCounts) part);
			case "jobs" -> jobs((Map<?, ?>) part);
			case "schedules" -> schedules((Map<?, ?>) part);
			default -> {
			}
		}
	}

	private void streams(List<?> streams) {
		section("Streams");
		header("stream", "on the server", "subjects", "messages", "bytes", "drift");
		for (Object item : streams) {
			StreamFigures stream = (StreamFigures) item;
			String key = "streams." + stream.name();
			this.html.open("tr").element("td", stream.name()).element("td", stream.streamName());
			this.html.element("td", String.join(", ", stream.subjects()));
			live(key + ".messages", stream.messages());
			live(key + ".bytes", stream.bytes());
			this.html.element("td", stream.consistent() ? "none" : String.join("; ", stream.drift()), "class",
					stream.consistent() ? null : "warn");
			this.html.close("tr");
		}
		this.html.close("tbody").close("table");
	}

	private void consumers(List<?> consumers) {
		section("Consumers");
		header("consumer", "stream", "lag", "ack pending", "redelivered", "max ack pending", "state", "");
		for (Object item : consumers) {
			ConsumerFigures consumer = (ConsumerFigures) item;
			String key = "consumers." + consumer.name();
			this.html.open("tr").element("td", consumer.name()).element("td", consumer.stream());
			live(key + ".lag", consumer.lag());
			live(key + ".ackPending", consumer.ackPending());
			live(key + ".redelivered", consumer.redelivered());
			this.html.element("td", consumer.maxAckPending());
			String state = (consumer.error() != null) ? consumer.error()
					: consumer.paused() ? "paused" : consumer.running() ? "running" : "stopped";
			this.html.element("td", state);
			this.html.open("td")
				.append(this.frame.action(consumer.paused() ? "Resume" : "Pause",
						"listeners/" + Pages.segment(consumer.name()) + (consumer.paused() ? "/resume" : "/pause"),
						null))
				.close("td");
			this.html.close("tr");
		}
		this.html.close("tbody").close("table");
	}

	private void outbox(Map<?, ?> outbox) {
		section("Outbox");
		OutboxPage.counts(this.html, outbox);
		this.html.open("p").element("a", "Failed rows", "href", this.frame.url("/outbox")).close("p");
	}

	private void deadLetters(DeadLetterCounts counts) {
		section("Dead letters");
		this.html.open("p").text("Stream " + counts.stream() + ": ");
		this.html.element("span", counts.total(), "data-live", "deadLetters.total").text(" in all").close("p");
		header("consumer", "dead letters");
		counts.byConsumer()
			.forEach((consumer, count) -> this.html.open("tr")
				.open("td")
				.element("a", consumer, "href", this.frame.url("/dead-letters?consumer=" + Pages.query(consumer)))
				.close("td")
				.element("td", count, "data-live", "deadLetters.byConsumer." + consumer)
				.close("tr"));
		this.html.close("tbody").close("table");
	}

	private void jobs(Map<?, ?> jobs) {
		section("Jobs");
		Map<?, ?> queues = (Map<?, ?>) jobs.get("queues");
		List<?> paused = (List<?>) jobs.get("pausedQueues");
		TreeSet<String> names = new TreeSet<>();
		if (queues != null) {
			queues.keySet().forEach((queue) -> names.add(queue.toString()));
		}
		if (paused != null) {
			paused.forEach((queue) -> names.add(queue.toString()));
		}
		String[] columns = new String[JobState.values().length + 3];
		columns[0] = "queue";
		for (JobState state : JobState.values()) {
			columns[state.ordinal() + 1] = state.columnValue();
		}
		columns[columns.length - 2] = "queue state";
		columns[columns.length - 1] = "";
		header(columns);
		for (String queue : names) {
			Map<?, ?> counts = (queues != null && queues.get(queue) instanceof Map<?, ?> map) ? map : Map.of();
			boolean isPaused = paused != null && paused.contains(queue);
			this.html.open("tr")
				.open("td")
				.element("a", queue, "href", this.frame.url("/jobs?queue=" + Pages.query(queue)))
				.close("td");
			for (JobState state : JobState.values()) {
				Object count = counts.get(state.columnValue());
				this.html.open("td")
					.element("a", (count != null) ? count : 0, "href",
							this.frame.url("/jobs?queue=" + Pages.query(queue) + "&state=" + state.columnValue()),
							"data-live", "jobs.queues." + queue + "." + state.columnValue())
					.close("td");
			}
			this.html.element("td", isPaused ? "paused" : "active");
			this.html.open("td")
				.append(this.frame.action(isPaused ? "Resume" : "Pause",
						"queues/" + Pages.segment(queue) + (isPaused ? "/resume" : "/pause"), null))
				.close("td");
			this.html.close("tr");
		}
		this.html.close("tbody").close("table");
	}

	private void schedules(Map<?, ?> schedules) {
		section("Schedules");
		header("schedule", "next fire", "last fire");
		schedules.forEach((name, schedule) -> {
			Map<?, ?> times = (Map<?, ?>) schedule;
			this.html.open("tr").element("td", name);
			live("schedules." + name + ".nextFireAt", times.get("nextFireAt"));
			live("schedules." + name + ".lastFireAt", times.get("lastFireAt"));
			this.html.close("tr");
		});
		this.html.close("tbody").close("table");
	}

	private void live(String key, @Nullable Object value) {
		this.html.element("td", LiveFigures.text(value), "data-live", key);
	}

	private void section(String title) {
		this.html.element("h2", title);
	}

	private void header(String... columns) {
		Pages.table(this.html, columns);
	}

	private static String title(String part) {
		return switch (part) {
			case "deadLetters" -> "Dead letters";
			default -> Character.toUpperCase(part.charAt(0)) + part.substring(1);
		};
	}

}
