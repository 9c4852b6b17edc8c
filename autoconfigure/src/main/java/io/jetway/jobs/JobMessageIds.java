package io.jetway.jobs;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.nats.client.Message;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the job id from a job message, without parsing the whole body when it starts the
 * way {@link DefaultJobClient} writes it.
 */
final class JobMessageIds {

	private static final Log logger = LogFactory.getLog(JobMessageIds.class);

	private static final byte[] JOB_ID_START = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);

	private static final int JOB_ID_END = JOB_ID_START.length + 36;

	private final String queue;

	private final JsonMapper jsonMapper;

	JobMessageIds(String queue, JsonMapper jsonMapper) {
		this.queue = queue;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * @return the job id, or {@code null} (logged) when it is not a Jetway job message
	 */
	@Nullable UUID jobId(Message message) {
		byte[] data = message.getData();
		// the body DefaultJobClient writes starts with the id: {"id":"<uuid>",...
		if (data.length > JOB_ID_END && data[JOB_ID_END] == '"' && startsWith(data, JOB_ID_START)) {
			try {
				return UUID.fromString(new String(data, JOB_ID_START.length, 36, StandardCharsets.ISO_8859_1));
			}
			catch (IllegalArgumentException ex) {
				// not a UUID after all: the general parse below decides
			}
		}
		try {
			JsonNode body = this.jsonMapper.readTree(message.getData());
			return UUID.fromString(body.path("id").asString());
		}
		catch (RuntimeException ex) {
			logger.error("Job queue " + this.queue + ": a message on " + message.getSubject() + " is not a Jetway job "
					+ "message; terminating it");
			return null;
		}
	}

	private static boolean startsWith(byte[] data, byte[] prefix) {
		for (int i = 0; i < prefix.length; i++) {
			if (data[i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

}
