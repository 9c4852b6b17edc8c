package io.jetway.dashboard;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Turns what the overview reads (maps, lists of records, records) into one flat map of
 * figures keyed by their path, such as {@code consumers.orders-handler.lag}: the pages
 * mark each figure with its key ({@code data-live}), and the script replaces the text of
 * those elements with the values it polls.
 */
final class LiveFigures {

	private LiveFigures() {
	}

	/**
	 * @param value a part or all parts of the overview
	 * @return its figures by key
	 */
	static Map<String, String> flatten(String prefix, @Nullable Object value) {
		Map<String, String> figures = new LinkedHashMap<>();
		put(prefix, value, figures);
		return figures;
	}

	/**
	 * @return the key of a figure under {@code prefix}
	 */
	static String key(String prefix, String name) {
		return prefix.isEmpty() ? name : prefix + "." + name;
	}

	private static void put(String key, @Nullable Object value, Map<String, String> figures) {
		if (value instanceof Map<?, ?> map) {
			map.forEach((name, item) -> put(key(key, String.valueOf(name)), item, figures));
		}
		else if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				Object item = list.get(i);
				Object name = (item != null && item.getClass().isRecord()) ? component(item, "name") : null;
				put(key(key, (name != null) ? name.toString() : String.valueOf(i)), item, figures);
			}
		}
		else if (value != null && value.getClass().isRecord()) {
			for (RecordComponent component : value.getClass().getRecordComponents()) {
				put(key(key, component.getName()), component(value, component.getName()), figures);
			}
		}
		else {
			figures.put(key, text(value));
		}
	}

	/**
	 * @return a value as pages show it
	 */
	static String text(@Nullable Object value) {
		if (value == null) {
			return "";
		}
		if (value instanceof Instant instant) {
			return instant.toString();
		}
		return value.toString();
	}

	private static @Nullable Object component(Object record, String name) {
		for (RecordComponent component : record.getClass().getRecordComponents()) {
			if (component.getName().equals(name)) {
				try {
					return component.getAccessor().invoke(record);
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException("Cannot read " + name + " of " + record.getClass(), ex);
				}
			}
		}
		return null;
	}

	/**
	 * @return the figures as a JSON object of strings
	 */
	static String json(Map<String, String> figures) {
		StringBuilder json = new StringBuilder(64 * figures.size() + 2).append('{');
		figures.forEach((key, value) -> {
			if (json.length() > 1) {
				json.append(',');
			}
			string(json, key).append(':');
			string(json, value);
		});
		return json.append('}').toString();
	}

	private static StringBuilder string(StringBuilder json, String value) {
		json.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				default -> {
					// control characters, and < > & so that the JSON is inert in any
					// context
					if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		return json.append('"');
	}

}
