package io.jetway.support;

import java.nio.charset.StandardCharsets;

/**
 * Builds small flat JSON objects of strings and numbers by hand, for messages Jetway
 * writes per job or per outbox row, where a general serializer costs more than the rest
 * of the work.
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
	 * Adds a value that is JSON already, such as an object Jackson wrote.
	 * @param name the field's name
	 * @param json a JSON value, written as it is
	 * @return this
	 */
	public JsonText jsonField(String name, String json) {
		name(name);
		this.json.append(json);
		return this;
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
