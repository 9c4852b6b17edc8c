package io.jetway.publish;

/**
 * The message is larger than the NATS server accepts. Thrown at publish time, inside the
 * caller's transaction, so the transaction rolls back and nothing is stored.
 */
public class MessageTooLargeException extends JetwayPublishException {

	private final long size;

	private final long maxPayload;

	public MessageTooLargeException(String subject, long size, long maxPayload) {
		super("The message for subject '" + subject + "' is " + size + " bytes (body plus headers) but the NATS "
				+ "server accepts at most " + maxPayload + " bytes (its max_payload). Send a smaller payload, "
				+ "store large content elsewhere and publish a reference, or raise max_payload in the server "
				+ "configuration.");
		this.size = size;
		this.maxPayload = maxPayload;
	}

	public long getSize() {
		return this.size;
	}

	public long getMaxPayload() {
		return this.maxPayload;
	}

}
