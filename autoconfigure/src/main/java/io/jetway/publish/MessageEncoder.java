package io.jetway.publish;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

import io.jetway.support.MessageIds;
import io.jetway.topology.Namespace;
import io.nats.client.impl.Headers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an {@link OutgoingMessage} into an {@link EncodedMessage}: applies the namespace,
 * serializes the payload, writes the id and CloudEvents headers, and checks the size
 * against the server's max payload.
 */
public class MessageEncoder {

	private final JsonMapper jsonMapper;

	private final Namespace namespace;

	private final String source;

	private final LongSupplier maxPayload;

	private final Clock clock;

	/**
	 * @param jsonMapper serializes payloads that are neither {@code byte[]} nor
	 * {@code String}
	 * @param namespace the namespace applied to every subject
	 * @param source the {@code ce-source} value
	 * @param maxPayload the server's max payload in bytes
	 * @param clock the clock for {@code ce-time}
	 */
	public MessageEncoder(JsonMapper jsonMapper, Namespace namespace, String source, LongSupplier maxPayload,
			Clock clock) {
		this.jsonMapper = jsonMapper;
		this.namespace = namespace;
		this.source = source;
		this.maxPayload = maxPayload;
		this.clock = clock;
	}

	public EncodedMessage encode(OutgoingMessage message) {
		String subject = this.namespace.subject(message.subject());
		UUID id = (message.id() != null) ? message.id() : MessageIds.next();
		Headers headers = new Headers();
		message.headers().forEach(headers::put);
		headers.put(JetwayHeaders.NATS_MSG_ID, id.toString());
		headers.put(JetwayHeaders.CE_ID, id.toString());
		headers.put(JetwayHeaders.CE_SPECVERSION, "1.0");
		headers.put(JetwayHeaders.CE_TYPE, (message.type() != null) ? message.type() : message.subject());
		headers.put(JetwayHeaders.CE_SOURCE, this.source);
		headers.put(JetwayHeaders.CE_TIME, Instant.now(this.clock).toString());
		byte[] body = body(message, headers);
		EncodedMessage encoded = new EncodedMessage(id, subject, body, headers, message.notBefore());
		long max = this.maxPayload.getAsLong();
		if (max > 0 && encoded.wireSize() > max) {
			throw new MessageTooLargeException(subject, encoded.wireSize(), max);
		}
		return encoded;
	}

	private byte[] body(OutgoingMessage message, Headers headers) {
		Object payload = message.payload();
		String contentType;
		byte[] body;
		if (payload instanceof byte[] bytes) {
			contentType = "application/octet-stream";
			body = bytes;
		}
		else if (payload instanceof String text) {
			contentType = "text/plain; charset=utf-8";
			body = text.getBytes(StandardCharsets.UTF_8);
		}
		else {
			contentType = "application/json";
			try {
				body = this.jsonMapper.writeValueAsBytes(payload);
			}
			catch (JacksonException ex) {
				throw new JetwayPublishException("The payload of type " + payload.getClass().getName()
						+ " for subject '" + message.subject() + "' cannot be serialized to JSON: "
						+ ex.getOriginalMessage() + ". Make it a Jackson-serializable type (public getters or a "
						+ "record), or pass byte[] or String.", ex);
			}
		}
		if (!containsIgnoreCase(message.headers(), JetwayHeaders.CONTENT_TYPE)) {
			headers.put(JetwayHeaders.CONTENT_TYPE, contentType);
		}
		return body;
	}

	private static boolean containsIgnoreCase(Map<String, String> headers, String name) {
		return headers.keySet().stream().anyMatch(name::equalsIgnoreCase);
	}

}
