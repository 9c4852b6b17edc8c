package io.jetway.dashboard;

import org.jspecify.annotations.Nullable;

/**
 * What every page of one request shares: the dashboard's base path, the viewer (who may
 * act decides whether action buttons exist), the page's own address (where an action
 * returns to), and the frame around a page's content.
 */
final class Frame {

	private final String base;

	private final Viewer viewer;

	private final String self;

	private final long refreshMillis;

	/**
	 * @param base the dashboard's path with the servlet context path
	 * @param viewer who asks
	 * @param self this page's path and query
	 * @param refreshMillis how often live figures are polled
	 */
	Frame(String base, Viewer viewer, String self, long refreshMillis) {
		this.base = base;
		this.viewer = viewer;
		this.self = self;
		this.refreshMillis = refreshMillis;
	}

	/**
	 * @param suffix a path under the dashboard, starting with {@code /}, or empty
	 * @return its address
	 */
	String url(String suffix) {
		return this.base + suffix;
	}

	boolean canOperate() {
		return this.viewer.canOperate();
	}

	/**
	 * A button that posts one action, or nothing when the viewer may not act.
	 * @param label the button's text
	 * @param action the action's path under {@code /actions/}, such as
	 * {@code jobs/<id>/retry}
	 * @param confirm the question asked before (by the script), or {@code null}
	 */
	Html action(String label, String action, @Nullable String confirm) {
		Html html = new Html();
		if (!this.viewer.canOperate()) {
			return html;
		}
		html.open("form", "method", "post", "action", url("/actions/" + action), "class", "action", "data-confirm",
				confirm);
		if (this.viewer.csrfParameter() != null) {
			html.open("input", "type", "hidden", "name", this.viewer.csrfParameter(), "value", this.viewer.csrfToken());
		}
		html.open("input", "type", "hidden", "name", "back", "value", this.self);
		html.element("button", label, "type", "submit", "data-action", action);
		return html.close("form");
	}

	/**
	 * @param title the page's title
	 * @param poll the JSON address live figures are read from, or {@code null}
	 * @param notice the outcome of the last action, or {@code null}
	 * @param content the page's content
	 * @return the whole page
	 */
	String render(String title, @Nullable String poll, @Nullable String notice, Html content) {
		Html html = new Html();
		html.open("html", "lang", "en").open("head").open("meta", "charset", "utf-8");
		html.open("meta", "name", "viewport", "content", "width=device-width, initial-scale=1");
		if (this.viewer.csrfParameter() != null) {
			html.open("meta", "name", "jetway-csrf-parameter", "content", this.viewer.csrfParameter());
			html.open("meta", "name", "jetway-csrf-token", "content", this.viewer.csrfToken());
		}
		html.element("title", "Jetway · " + title);
		html.open("link", "rel", "stylesheet", "href", url("/static/dashboard.css"));
		html.open("script", "src", url("/static/dashboard.js"), "defer", "defer").close("script");
		html.close("head");
		html.open("body", "data-poll", (poll != null) ? url(poll) : null, "data-interval",
				String.valueOf(this.refreshMillis));
		html.open("header").open("nav");
		html.element("a", "Jetway", "href", url(""), "class", "brand");
		html.element("a", "Overview", "href", url(""));
		html.element("a", "Jobs", "href", url("/jobs"));
		html.element("a", "Dead letters", "href", url("/dead-letters"));
		html.element("a", "Outbox", "href", url("/outbox"));
		html.close("nav");
		String who = (this.viewer.name() != null) ? this.viewer.name() : "anyone";
		html.element("span", who + (this.viewer.canOperate() ? " · can act" : " · read-only"), "class", "viewer");
		html.close("header").open("main");
		html.element("h1", title);
		if (notice != null) {
			html.element("p", notice, "class", "notice", "role", "status");
		}
		html.append(content);
		html.element("p", "", "class", "live-status", "id", "live-status");
		html.close("main").close("body").close("html");
		return "<!DOCTYPE html>\n" + html;
	}

}
