package io.jetway.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;

import io.jetway.jobs.JobStatus;
import org.jspecify.annotations.Nullable;

/**
 * One job: its state, attempts and progress (live), payload, result and error, webhook,
 * and the actions its state allows.
 */
final class JobPage {

	private final Frame frame;

	JobPage(Frame frame) {
		this.frame = frame;
	}

	/**
	 * @return the job's live figures, keyed as the page marks them
	 */
	static Map<String, String> figures(JobStatus job) {
		Map<String, String> figures = new LinkedHashMap<>();
		figures.put("job.state", job.status().columnValue());
		figures.put("job.attempts", job.attempts() + " / " + job.maxAttempts());
		figures.put("job.progress", (job.progress() != null) ? Math.round(job.progress() * 100) + " %" : "");
		figures.put("job.progressMessage", LiveFigures.text(job.progressMessage()));
		figures.put("job.startedAt", LiveFigures.text(job.startedAt()));
		figures.put("job.completedAt", LiveFigures.text(job.completedAt()));
		figures.put("job.result", LiveFigures.text(job.result()));
		figures.put("job.error", LiveFigures.text(job.error()));
		figures.put("job.webhookStatus", webhook(job));
		return figures;
	}

	Html render(JobStatus job) {
		Map<String, String> figures = figures(job);
		Html html = new Html();
		html.open("div", "class", "actions");
		switch (job.status()) {
			case FAILED -> html.append(this.frame.action("Retry", "jobs/" + job.id() + "/retry", null));
			case SCHEDULED -> html.append(this.frame.action("Run now", "jobs/" + job.id() + "/run-now", null))
				.append(this.frame.action("Cancel", "jobs/" + job.id() + "/cancel", "Cancel this job?"));
			case PENDING ->
				html.append(this.frame.action("Cancel", "jobs/" + job.id() + "/cancel", "Cancel this job?"));
			default -> {
			}
		}
		html.close("div");
		html.open("table", "class", "fields").open("tbody");
		row(html, "id", job.id(), null);
		row(html, "type", job.type(), null);
		html.open("tr")
			.element("th", "queue")
			.open("td")
			.element("a", job.queue(), "href", this.frame.url("/jobs?queue=" + Pages.query(job.queue())))
			.close("td")
			.close("tr");
		row(html, "state", figures.get("job.state"), "job.state");
		row(html, "attempts", figures.get("job.attempts"), "job.attempts");
		row(html, "progress", figures.get("job.progress"), "job.progress");
		row(html, "progress message", figures.get("job.progressMessage"), "job.progressMessage");
		row(html, "created", LiveFigures.text(job.createdAt()), null);
		row(html, "runs at", LiveFigures.text(job.runAt()), null);
		row(html, "started", figures.get("job.startedAt"), "job.startedAt");
		row(html, "completed", figures.get("job.completedAt"), "job.completedAt");
		row(html, "webhook", figures.get("job.webhookStatus"), "job.webhookStatus");
		html.close("tbody").close("table");
		block(html, "Payload", job.payload(), "job-payload", null);
		block(html, "Result", job.result(), "job-result", "job.result");
		block(html, "Last error", job.error(), "job-error", "job.error");
		return html;
	}

	private static String webhook(JobStatus job) {
		if (job.webhookUrl() == null) {
			return "none";
		}
		String webhook = job.webhookUrl() + ": " + LiveFigures.text(job.webhookStatus()) + " after "
				+ job.webhookAttempts() + " attempt(s)";
		return (job.webhookLastError() != null) ? webhook + ", last error " + job.webhookLastError() : webhook;
	}

	private static void row(Html html, String name, @Nullable Object value, @Nullable String live) {
		html.open("tr").element("th", name).element("td", value, "data-live", live).close("tr");
	}

	private static void block(Html html, String title, @Nullable String text, String id, @Nullable String live) {
		html.element("h2", title);
		html.element("pre", text, "id", id, "data-live", live);
	}

}
