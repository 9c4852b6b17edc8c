package io.jetway.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;

/**
 * Jetway's DDL script for one database, read for the definition of a column, so that an
 * error about a missing column can give the exact statement that adds it.
 */
final class SchemaScript {

	private final String location;

	private final String text;

	SchemaScript(String location) {
		this.location = location;
		this.text = read(location);
	}

	/**
	 * @return the {@code ALTER TABLE} statement that adds {@code column} to {@code table}
	 * as the script defines it, or a pointer to the script when it does not define it
	 */
	String addColumn(String table, String column) {
		String definition = definition(table, column);
		if (definition == null) {
			return "ALTER TABLE " + table + " ADD COLUMN " + column + " <type as in " + this.location + ">;";
		}
		return "ALTER TABLE " + table + " ADD COLUMN " + column + " " + definition + ";";
	}

	private @Nullable String definition(String table, String column) {
		// a column added later has its own ALTER TABLE ... ADD COLUMN IF NOT EXISTS line
		Matcher added = Pattern
			.compile("(?im)^ALTER TABLE " + Pattern.quote(table) + " ADD COLUMN (?:IF NOT EXISTS )?"
					+ Pattern.quote(column) + "\\s+([^;]+);")
			.matcher(this.text);
		if (added.find()) {
			return added.group(1).trim();
		}
		Matcher create = Pattern
			.compile("(?is)CREATE TABLE (?:IF NOT EXISTS )?" + Pattern.quote(table) + "\\s*\\((.*?)\\n\\)")
			.matcher(this.text);
		if (create.find()) {
			Matcher line = Pattern.compile("(?im)^\\s*" + Pattern.quote(column) + "\\s+([^,\\n]+?),?\\s*$")
				.matcher(create.group(1));
			if (line.find()) {
				return line.group(1).trim();
			}
		}
		return null;
	}

	private static String read(String location) {
		Resource resource = new DefaultResourceLoader().getResource(location);
		try (InputStream in = resource.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read Jetway's DDL script " + location, ex);
		}
	}

}
