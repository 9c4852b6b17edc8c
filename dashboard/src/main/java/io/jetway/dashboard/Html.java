package io.jetway.dashboard;

import org.jspecify.annotations.Nullable;

/**
 * Builds HTML with every text and attribute value escaped: what the dashboard shows
 * (payloads, errors, headers, subjects) is user data.
 */
final class Html {

	private final StringBuilder out = new StringBuilder(4096);

	/**
	 * @param value any value, {@code null} shown as empty
	 * @return the value's text, safe in element content and quoted attribute values
	 */
	static String escape(@Nullable Object value) {
		if (value == null) {
			return "";
		}
		String text = value.toString();
		StringBuilder escaped = new StringBuilder(text.length() + 16);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '&' -> escaped.append("&amp;");
				case '<' -> escaped.append("&lt;");
				case '>' -> escaped.append("&gt;");
				case '"' -> escaped.append("&quot;");
				case '\'' -> escaped.append("&#39;");
				default -> escaped.append(c);
			}
		}
		return escaped.toString();
	}

	/**
	 * Opens an element.
	 * @param tag the tag, a constant
	 * @param attributes name, value pairs (values escaped; a {@code null} value leaves
	 * the attribute out)
	 */
	Html open(String tag, @Nullable String... attributes) {
		this.out.append('<').append(tag);
		for (int i = 0; i + 1 < attributes.length; i += 2) {
			if (attributes[i + 1] != null) {
				this.out.append(' ').append(attributes[i]).append("=\"").append(escape(attributes[i + 1])).append('"');
			}
		}
		this.out.append('>');
		return this;
	}

	Html close(String tag) {
		this.out.append("</").append(tag).append('>');
		return this;
	}

	/**
	 * An element with escaped text content.
	 */
	Html element(String tag, @Nullable Object text, @Nullable String... attributes) {
		return open(tag, attributes).text(text).close(tag);
	}

	Html text(@Nullable Object text) {
		this.out.append(escape(text));
		return this;
	}

	/**
	 * Appends HTML this class built.
	 */
	Html append(Html html) {
		this.out.append(html.out);
		return this;
	}

	@Override
	public String toString() {
		return this.out.toString();
	}

}
