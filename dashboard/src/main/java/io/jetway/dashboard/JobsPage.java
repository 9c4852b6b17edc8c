package io.jetway.dashboard;

import java.util.List;

import io.jetway.jobs.JobQuery;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import org.jspecify.annotations.Nullable;

/**
 * The jobs: a filter (queue, type, state, creation time range, id) and one page of the
 * jobs it finds, newest first.
 */
final class JobsPage {

	private final Frame frame;

	JobsPage(Frame frame) {
		this.frame = frame;
	}

	/**
	 * @param query the filter
	 * @param id the id searched for, as given
	 * @param jobs the jobs found, one more than a page when there are more
	 * @param page the page, from 0
	 * @param size the page size
	 * @param pausedQueues the paused queues
	 */
	Html render(JobQuery query, @Nullable String id, List<JobStatus> jobs, int page, int size,
			List<String> pausedQueues) {
		Html html = new Html();
		filter(html, query, id);
		if (query.queue() != null) {
			boolean paused = pausedQueues.contains(query.queue());
			html.open("p", "class", "queue")
				.text("Queue " + query.queue() + " is " + (paused ? "paused " : "active "))
				.append(this.frame.action(paused ? "Resume queue" : "Pause queue",
						"queues/" + Pages.segment(query.queue()) + (paused ? "/resume" : "/pause"), null))
				.close("p");
		}
		Pages.table(html, "id", "type", "queue", "state", "attempts", "created", "runs at", "progress");
		for (JobStatus job : jobs.subList(0, Math.min(size, jobs.size()))) {
			html.open("tr", "data-job", job.id().toString())
				.open("td")
				.element("a", job.id(), "href", this.frame.url("/jobs/" + job.id()))
				.close("td");
			html.element("td", job.type()).element("td", job.queue()).element("td", job.status().columnValue());
			html.element("td", job.attempts() + " / " + job.maxAttempts());
			html.element("td", LiveFigures.text(job.createdAt())).element("td", LiveFigures.text(job.runAt()));
			html.element("td", (job.progress() != null) ? Math.round(job.progress() * 100) + " %" : "");
			html.close("tr");
		}
		if (jobs.isEmpty()) {
			html.open("tr").element("td", "No job matches.", "colspan", "8").close("tr");
		}
		html.close("tbody").close("table");
		Pages.pager(html, (page > 0) ? pageUrl(query, page - 1) : null,
				(jobs.size() > size) ? pageUrl(query, page + 1) : null);
		return html;
	}

	private void filter(Html html, JobQuery query, @Nullable String id) {
		html.open("form", "method", "get", "action", this.frame.url("/jobs"), "class", "filter");
		input(html, "queue", "Queue", query.queue());
		input(html, "type", "Type", query.type());
		html.open("label").text("State ").open("select", "name", "state");
		html.element("option", "any", "value", "");
		for (JobState state : JobState.values()) {
			html.open("option", "value", state.columnValue(), "selected", (state == query.state()) ? "selected" : null)
				.text(state.columnValue())
				.close("option");
		}
		html.close("select").close("label");
		input(html, "from", "Created from", LiveFigures.text(query.createdFrom()));
		input(html, "to", "to", LiveFigures.text(query.createdTo()));
		input(html, "id", "Id", id);
		html.element("button", "Filter", "type", "submit");
		html.close("form");
	}

	private static void input(Html html, String name, String label, @Nullable String value) {
		html.open("label")
			.text(label + " ")
			.open("input", "name", name, "value", (value != null) ? value : "", "size", "16")
			.close("label");
	}

	private String pageUrl(JobQuery query, int page) {
		StringBuilder url = new StringBuilder("/jobs?page=" + page);
		parameter(url, "queue", query.queue());
		parameter(url, "type", query.type());
		parameter(url, "state", (query.state() != null) ? query.state().columnValue() : null);
		parameter(url, "from", (query.createdFrom() != null) ? query.createdFrom().toString() : null);
		parameter(url, "to", (query.createdTo() != null) ? query.createdTo().toString() : null);
		return this.frame.url(url.toString());
	}

	private static void parameter(StringBuilder url, String name, @Nullable String value) {
		if (value != null) {
			url.append('&').append(name).append('=').append(Pages.query(value));
		}
	}

}
