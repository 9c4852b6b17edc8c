package io.jetway.dashboard;

import java.util.List;
import java.util.Map;

import io.jetway.outbox.OutboxEntry;

/**
 * The outbox: rows per status and the oldest failed rows with their error, to republish.
 */
final class OutboxPage {

	private final Frame frame;

	OutboxPage(Frame frame) {
		this.frame = frame;
	}

	/**
	 * The rows per status and the oldest pending row's age, live.
	 * @param counts the outbox part of the overview
	 */
	static void counts(Html html, Map<?, ?> counts) {
		Pages.table(html, "pending", "failed", "sent", "oldest pending age (s)");
		html.open("tr");
		for (String field : new String[] { "pending", "failed", "sent", "oldestPendingAgeSeconds" }) {
			html.element("td", LiveFigures.text(counts.get(field)), "data-live", "outbox." + field);
		}
		html.close("tr").close("tbody").close("table");
	}

	/**
	 * @param counts the outbox part of the overview (or its error)
	 * @param failed the oldest failed rows, at most a page
	 * @param size the page size
	 */
	Html render(Map<?, ?> counts, List<OutboxEntry> failed, int size) {
		Html html = new Html();
		if (counts.containsKey("error")) {
			html.element("p", "Could not be read: " + counts.get("error"), "class", "error");
		}
		else {
			counts(html, counts);
		}
		html.element("h2", "Failed rows");
		if (!failed.isEmpty()) {
			html.append(this.frame.action("Republish every failed row", "outbox/failed/republish",
					"Republish every failed outbox row?"));
		}
		Pages.table(html, "id", "subject", "attempts", "created", "error", "");
		for (OutboxEntry entry : failed) {
			html.open("tr", "data-row", entry.id().toString());
			html.element("td", entry.id()).element("td", entry.subject()).element("td", entry.attempts());
			html.element("td", LiveFigures.text(entry.createdAt())).element("td", entry.lastError(), "class", "error");
			html.open("td").append(this.frame.action("Republish", "outbox/" + entry.id() + "/republish", null));
			html.close("td").close("tr");
		}
		if (failed.isEmpty()) {
			html.open("tr").element("td", "No failed rows.", "colspan", "6").close("tr");
		}
		html.close("tbody").close("table");
		if (failed.size() >= size) {
			html.element("p", "The oldest " + size + " failed rows are shown; republish them to see the next.");
		}
		return html;
	}

}
