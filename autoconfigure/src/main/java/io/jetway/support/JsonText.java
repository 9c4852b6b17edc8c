package io.jetway.support;

import java.nio.charset.StandardCharsets;

/**
 * Builds small JSON objects of strings and numbers (and stored JSON objects, see
 * {@link #objectField}) by hand, for messages Jetway writes per job or per outbox row,
 * where a general serializer costs more than the rest of the work.
 */
public final class JsonText {

	private final StringBuilder json = new StringBuilder(256).append('{');

	public JsonText field(String name, String value) {
		name(name);
		quote(value);
		return this;
	}

	public JsonText field(String name, long value) {
		name(name);
		this.json.append(value);
		return this;
	}

	public JsonText field(String name, double value) {
		name(name);
		this.json.append(value);
		return this;
	}

	/**
	 * Adds a JSON object stored as text, such as one Jackson wrote, as it is; text that
	 * is not one balanced object (a row written by hand, say) is added as a string
	 * instead, so that it can never end the event's object early and add fields of its
	 * own.
	 * @param name the field's name
	 * @param json a JSON object
	 * @return this
	 */
	public JsonText objectField(String name, String json) {
		if (!isOneObject(json)) {
			return field(name, json);
		}
		name(name);
		this.json.append(json);
		return this;
	}

	/**
	 * Whether {@code text} is one JSON object with balanced braces and brackets outside
	 * its strings, and nothing but whitespace after it: a check of structure, not a full
	 * parse, and linear in the text's length.
	 */
	static boolean isOneObject(String text) {
		int start = 0;
		while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
			start++;
		}
		if (start == text.length() || text.charAt(start) != '{') {
			return false;
		}
		int depth = 0;
		boolean inString = false;
		for (int i = start; i < text.length(); i++) {
			char c = text.charAt(i);
			if (inString) {
				if (c == '\\') {
					i++;
				}
				else if (c == '"') {
					inString = false;
				}
			}
			else if (c == '"') {
				inString = true;
			}
			else if (c == '{' || c == '[') {
				depth++;
			}
			else if (c == '}' || c == ']') {
				depth--;
				if (depth < 0) {
					return false;
				}
				if (depth == 0) {
					return text.substring(i + 1).isBlank();
				}
			}
		}
		return false;
	}

	public String text() {
		return this.json.toString() + '}';
	}

	public byte[] bytes() {
		return text().getBytes(StandardCharsets.UTF_8);
	}

	private void name(String name) {
		if (this.json.length() > 1) {
			this.json.append(',');
		}
		quote(name);
		this.json.append(':');
	}

	private void quote(String value) {
		appendQuoted(this.json, value);
	}

	/**
	 * Appends a JSON string literal of {@code value} to {@code out}.
	 * @param out where to append
	 * @param value the string
	 */
	public static void appendQuoted(StringBuilder out, String value) {
		out.append('"');
		if (isPlain(value)) {
			out.append(value).append('"');
			return;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	private static boolean isPlain(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c == '"' || c == '\\') {
				return false;
			}
		}
		return true;
	}

}
