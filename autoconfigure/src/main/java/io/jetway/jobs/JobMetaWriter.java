package io.jetway.jobs;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a job's metadata as the JSON object that is stored with it and sent in its
 * message's header: characters outside ASCII escaped (a NATS header value is ASCII), and
 * at most {@link JobOptions#MAX_META_LENGTH} characters long.
 */
final class JobMetaWriter {

	private final ObjectWriter writer;

	JobMetaWriter(JsonMapper jsonMapper) {
		this.writer = jsonMapper.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);
	}

	/**
	 * @param meta the metadata, or {@code null}
	 * @param type the job type, for the message
	 * @return the JSON object, or {@code null} without metadata
	 * @throws IllegalArgumentException when it cannot be serialized or is too long
	 */
	@Nullable String write(@Nullable Map<String, ?> meta, String type) {
		if (meta == null) {
			return null;
		}
		String json;
		try {
			json = this.writer.writeValueAsString(meta);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("The meta of job type '" + type + "' cannot be serialized to JSON: "
					+ ex.getOriginalMessage() + ". Nothing was stored.", ex);
		}
		if (json.length() > JobOptions.MAX_META_LENGTH) {
			throw new IllegalArgumentException("The meta of job type '" + type + "' is " + json.length()
					+ " characters as JSON, more than the " + JobOptions.MAX_META_LENGTH + " allowed "
					+ "(JobOptions.MAX_META_LENGTH): it travels in a message header, so keep it to ids and names "
					+ "and put larger data in the payload. Nothing was stored.");
		}
		return json;
	}

	/**
	 * The metadata as a header value: as written here already; a row written otherwise
	 * (by hand, or by a tool) may hold characters a NATS header refuses, which would fail
	 * every publish of its job's message: those outside ASCII are escaped as JSON does,
	 * and control characters, which JSON allows only as whitespace between tokens, become
	 * spaces.
	 * @param meta the stored metadata
	 * @return the same JSON object in printable ASCII
	 */
	static String headerValue(String meta) {
		@Nullable StringBuilder value = null;
		for (int i = 0; i < meta.length(); i++) {
			char c = meta.charAt(i);
			boolean printable = c >= 0x20 && c < 0x7F;
			if (!printable && value == null) {
				value = new StringBuilder(meta.length() + 16).append(meta, 0, i);
			}
			if (value != null) {
				if (printable) {
					value.append(c);
				}
				else if (c < 0x20 || c == 0x7F) {
					value.append(' ');
				}
				else {
					value.append(String.format("\\u%04X", (int) c));
				}
			}
		}
		return (value != null) ? value.toString() : meta;
	}

}
