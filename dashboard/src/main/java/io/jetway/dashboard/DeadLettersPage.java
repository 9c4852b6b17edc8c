package io.jetway.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.jetway.consumer.DeadLetter;
import org.jspecify.annotations.Nullable;

/**
 * The dead letters of one consumer, oldest first, a page at a time: why each failed, its
 * headers and the start of its body, with republish and discard.
 */
final class DeadLettersPage {

	private final Frame frame;

	private final int previewBytes;

	DeadLettersPage(Frame frame, int previewBytes) {
		this.frame = frame;
		this.previewBytes = previewBytes;
	}

	/**
	 * @param counts dead letters per consumer
	 * @param capped whether the stream has too many subjects for {@code counts}: then it
	 * is empty although there are dead letters
	 * @param consumer the consumer shown, or {@code null} for none yet
	 * @param deadLetters its dead letters after {@code after}, one more than a page when
	 * there are more
	 * @param after the sequence this page starts after
	 * @param size the page size
	 * @param republishLimit the most dead letters "republish all" republishes
	 */
	Html render(Map<String, Long> counts, boolean capped, @Nullable String consumer, List<DeadLetter> deadLetters,
			long after, int size, int republishLimit) {
		Html html = new Html();
		html.open("nav", "class", "consumers");
		counts.forEach((name, count) -> html.element("a", name + " (" + count + ")", "href",
				this.frame.url("/dead-letters?consumer=" + Pages.query(name)), "class",
				name.equals(consumer) ? "current" : null));
		html.close("nav");
		if (counts.isEmpty() && !capped) {
			html.element("p", "No dead letters.");
		}
		if (consumer == null) {
			return html;
		}
		html.element("h2", consumer);
		html.append(this.frame.action("Republish all (at most " + republishLimit + ")",
				"consumers/" + Pages.segment(consumer) + "/republish-dead-letters",
				"Republish the dead letters of " + consumer + "?"));
		List<DeadLetter> shown = deadLetters.subList(0, Math.min(size, deadLetters.size()));
		for (DeadLetter deadLetter : shown) {
			deadLetter(html, deadLetter);
		}
		if (shown.isEmpty()) {
			html.element("p", "No dead letters of this consumer" + ((after > 0) ? " after " + after : "") + ".");
		}
		String base = "/dead-letters?consumer=" + Pages.query(consumer);
		Pages.pager(html, (after > 0) ? this.frame.url(base) : null, (deadLetters.size() > size)
				? this.frame.url(base + "&after=" + shown.get(shown.size() - 1).sequence()) : null);
		return html;
	}

	private void deadLetter(Html html, DeadLetter deadLetter) {
		html.open("article", "class", "dead-letter", "data-sequence", String.valueOf(deadLetter.sequence()));
		html.element("h3", "#" + deadLetter.sequence() + " " + deadLetter.originalSubject());
		html.open("div", "class", "actions")
			.append(this.frame.action("Republish", "dead-letters/" + deadLetter.sequence() + "/republish", null))
			.append(this.frame.action("Discard", "dead-letters/" + deadLetter.sequence() + "/discard",
					"Discard dead letter " + deadLetter.sequence() + " for good?"))
			.close("div");
		html.open("table", "class", "fields").open("tbody");
		field(html, "failed at", LiveFigures.text(deadLetter.failedAt()));
		field(html, "deliveries", deadLetter.deliveries());
		field(html, "from", deadLetter.originalStream() + " #" + deadLetter.originalSequence());
		field(html, "exception", deadLetter.exception());
		field(html, "error", deadLetter.error());
		html.close("tbody").close("table");
		html.open("details").element("summary", "Headers").open("table", "class", "fields").open("tbody");
		for (String name : deadLetter.headers().keySet()) {
			field(html, name, String.join(", ", deadLetter.headers().get(name)));
		}
		html.close("tbody").close("table").close("details");
		byte[] body = deadLetter.body();
		int shown = Math.min(body.length, this.previewBytes);
		String preview = new String(body, 0, shown, StandardCharsets.UTF_8);
		html.element("pre", preview, "class", "body");
		if (shown < body.length) {
			html.element("p", "First " + shown + " of " + body.length + " bytes.", "class", "cut");
		}
		html.close("article");
	}

	private static void field(Html html, String name, @Nullable Object value) {
		html.open("tr").element("th", name).element("td", value).close("tr");
	}

}
