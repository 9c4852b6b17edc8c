package io.jetway.publish;

/**
 * No JetStream stream captures the subject, so the server cannot store the message.
 */
public class NoStreamForSubjectException extends JetwayPublishException {

	public NoStreamForSubjectException(String subject, Throwable cause) {
		super(describe(subject), cause);
	}

	/**
	 * @param subject the subject as sent
	 * @return the explanation, also stored as an outbox row's last error
	 */
	public static String describe(String subject) {
		return describe(subject, "the server answered 503 no responders");
	}

	/**
	 * @param subject the subject as sent
	 * @param answer what the publish got instead of a PubAck
	 * @return the explanation, also stored as an outbox row's last error
	 */
	static String describe(String subject, String answer) {
		return "No JetStream stream captures subject '" + subject + "' (" + answer + "). "
				+ "Declare a stream whose subjects cover it under jetway.topology.streams.<NAME>.subjects, "
				+ "or publish to a subject an existing stream captures.";
	}

}
