package io.jetway.topology;

/**
 * A declared subject that the ensure pass did not add to its stream, and why.
 *
 * @param subject the subject (namespaced)
 * @param property the property path that declares it
 * @param reason why it was skipped
 * @param stream the stream holding the subject that covers or overlaps it
 * @param by the subject that covers or overlaps it
 */
public record SkippedSubject(String subject, String property, Reason reason, String stream, String by) {

	/**
	 * @return whether the subject is nevertheless captured by its own stream
	 */
	public boolean isCaptured() {
		return this.reason == Reason.COVERED || this.reason == Reason.REDUNDANT;
	}

	/**
	 * @return a sentence for logs and reports
	 */
	public String describe() {
		return switch (this.reason) {
			case COVERED -> "subject '" + this.subject + "' (" + this.property + ") is already covered by '" + this.by
					+ "' of the same stream " + this.stream;
			case REDUNDANT -> "subject '" + this.subject + "' (" + this.property
					+ ") is covered by the declared subject '" + this.by + "'; remove it from the declaration";
			case OVERLAPS_OWN -> "subject '" + this.subject + "' (" + this.property + ") overlaps '" + this.by
					+ "' of the same stream " + this.stream + " without either covering the other, which nats-server "
					+ "refuses; change one of them";
			case OVERLAPS_OTHER -> "subject '" + this.subject + "' (" + this.property + ") overlaps '" + this.by
					+ "' owned by another stream " + this.stream + "; messages on it go to " + this.stream
					+ ", so coordinate subject boundaries with its owner or use a jetway.namespace.subject-prefix";
		};
	}

	/**
	 * Why a subject was skipped.
	 */
	public enum Reason {

		/** A subject the stream already holds covers it: nothing to do. */
		COVERED,

		/** Another subject of the same declaration covers it. */
		REDUNDANT,

		/**
		 * It overlaps a subject of the same stream that neither covers nor is covered by
		 * it.
		 */
		OVERLAPS_OWN,

		/** It overlaps a subject of another stream. */
		OVERLAPS_OTHER

	}

}
