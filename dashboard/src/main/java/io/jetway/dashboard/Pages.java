package io.jetway.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.web.util.UriUtils;

/**
 * What the pages share.
 */
final class Pages {

	private Pages() {
	}

	/**
	 * @return the value encoded for a query string
	 */
	static String query(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	/**
	 * @param value a name put into an address's path, such as a queue's
	 * @return the value encoded as one path segment
	 */
	static String segment(String value) {
		return UriUtils.encodePathSegment(value, StandardCharsets.UTF_8);
	}

	/**
	 * Opens a table with its header row and its body; close both with
	 * {@code close("tbody").close("table")}.
	 */
	static Html table(Html html, String... columns) {
		html.open("table").open("thead").open("tr");
		for (String column : columns) {
			html.element("th", column);
		}
		return html.close("tr").close("thead").open("tbody");
	}

	/**
	 * A link to the previous and the next page of a table, each only when there is one.
	 * @param html where to add them
	 * @param previous the previous page's address, or {@code null}
	 * @param next the next page's address, or {@code null}
	 */
	static void pager(Html html, @Nullable String previous, @Nullable String next) {
		html.open("nav", "class", "pager");
		if (previous != null) {
			html.element("a", "← previous", "href", previous, "rel", "prev");
		}
		if (next != null) {
			html.element("a", "next →", "href", next, "rel", "next");
		}
		html.close("nav");
	}

}
