package io.jetway.topology;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Applies {@code jetway.namespace.*}: the one place that turns a logical subject or
 * stream name into the one used on the server. Every capability that declares, publishes,
 * subscribes or filters goes through it, so two namespaces on one server never see each
 * other's messages.
 */
public final class Namespace {

	private static final Namespace NONE = new Namespace(null, null);

	private final String subjectPrefix;

	private final String streamPrefix;

	/**
	 * @param subjectPrefix prefix for subjects, without trailing dot; {@code null} or
	 * empty for none
	 * @param streamPrefix prefix for stream names; {@code null} or empty for none
	 * @throws TopologyException when a prefix is not valid
	 */
	public Namespace(@Nullable String subjectPrefix, @Nullable String streamPrefix) {
		this.subjectPrefix = validSubjectPrefix(subjectPrefix);
		this.streamPrefix = validStreamPrefix(streamPrefix);
	}

	/**
	 * @return the namespace that changes nothing
	 */
	public static Namespace none() {
		return NONE;
	}

	/**
	 * @param properties {@code jetway.namespace.*}
	 * @return the namespace the properties describe
	 */
	public static Namespace of(JetwayNamespaceProperties properties) {
		return new Namespace(properties.getSubjectPrefix(), properties.getStreamPrefix());
	}

	/**
	 * @param subject a logical subject (wildcards allowed), such as {@code orders.>}
	 * @return the subject on the server, such as {@code prod.billing.orders.>}
	 */
	public String subject(String subject) {
		return this.subjectPrefix.isEmpty() ? subject : this.subjectPrefix + "." + subject;
	}

	/**
	 * @param streamName a logical stream name, such as {@code ORDERS}
	 * @return the stream name on the server, such as {@code PROD_BILLING_ORDERS}
	 */
	public String streamName(String streamName) {
		return this.streamPrefix + streamName;
	}

	/**
	 * The reverse of {@link #subject(String)}, for a subject received from the server.
	 * @param subject a subject on the server
	 * @return the logical subject, or {@code null} when the subject is outside this
	 * namespace
	 */
	public @Nullable String logicalSubject(String subject) {
		if (this.subjectPrefix.isEmpty()) {
			return subject;
		}
		String prefix = this.subjectPrefix + ".";
		return subject.startsWith(prefix) ? subject.substring(prefix.length()) : null;
	}

	public String getSubjectPrefix() {
		return this.subjectPrefix;
	}

	public String getStreamPrefix() {
		return this.streamPrefix;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof Namespace namespace && this.subjectPrefix.equals(namespace.subjectPrefix)
				&& this.streamPrefix.equals(namespace.streamPrefix);
	}

	@Override
	public int hashCode() {
		return this.subjectPrefix.hashCode() * 31 + this.streamPrefix.hashCode();
	}

	@Override
	public String toString() {
		return "Namespace[subjectPrefix='" + this.subjectPrefix + "', streamPrefix='" + this.streamPrefix + "']";
	}

	private static String validSubjectPrefix(@Nullable String prefix) {
		if (!StringUtils.hasLength(prefix)) {
			return "";
		}
		String problem = Subjects.problem(prefix);
		if (problem == null && (prefix.contains("*") || prefix.contains(">"))) {
			problem = "it contains a wildcard";
		}
		if (problem != null) {
			throw new TopologyException("Invalid subject prefix '" + prefix + "': " + problem,
					"jetway.namespace.subject-prefix",
					"Use dot-separated tokens without wildcards, spaces or a trailing dot, such as 'prod.billing'.");
		}
		return prefix;
	}

	private static String validStreamPrefix(@Nullable String prefix) {
		String problem = StreamNames.problem(prefix, true);
		if (problem != null) {
			throw new TopologyException("Invalid stream prefix '" + prefix + "': " + problem,
					"jetway.namespace.stream-prefix",
					"Use letters, digits, '_' and '-' only, such as 'PROD_BILLING_'.");
		}
		return (prefix != null) ? prefix : "";
	}

}
