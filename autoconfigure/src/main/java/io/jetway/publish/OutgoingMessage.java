package io.jetway.publish;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A message to publish: subject (before the namespace is applied), payload and optional
 * metadata. Build one with {@link #builder(String, Object)}.
 *
 * @param subject the logical subject, such as {@code orders.created}
 * @param payload the payload: {@code byte[]} and {@code String} are sent as they are,
 * anything else as JSON
 * @param id the message id ({@code Nats-Msg-Id}, {@code ce-id}); a new time-ordered id
 * when {@code null}
 * @param type the CloudEvents type ({@code ce-type}); the subject when {@code null}
 * @param headers further headers
 * @param notBefore when set, the outbox publishes the message no earlier than this
 * (transactional publishing only)
 */
public record OutgoingMessage(String subject, Object payload, @Nullable UUID id, @Nullable String type,
		Map<String, String> headers, @Nullable Instant notBefore) {

	public OutgoingMessage {
		headers = Map.copyOf(headers);
	}

	public static Builder builder(String subject, Object payload) {
		return new Builder(subject, payload);
	}

	/**
	 * Builds an {@link OutgoingMessage}.
	 */
	public static final class Builder {

		private final String subject;

		private final Object payload;

		private @Nullable UUID id;

		private @Nullable String type;

		private final Map<String, String> headers = new LinkedHashMap<>();

		private @Nullable Instant notBefore;

		private Builder(String subject, Object payload) {
			this.subject = subject;
			this.payload = payload;
		}

		public Builder id(UUID id) {
			this.id = id;
			return this;
		}

		public Builder type(String type) {
			this.type = type;
			return this;
		}

		public Builder header(String name, String value) {
			this.headers.put(name, value);
			return this;
		}

		public Builder notBefore(Instant notBefore) {
			this.notBefore = notBefore;
			return this;
		}

		public OutgoingMessage build() {
			return new OutgoingMessage(this.subject, this.payload, this.id, this.type, this.headers, this.notBefore);
		}

	}

}
