package io.jetway.topology;

import org.jspecify.annotations.Nullable;

/**
 * NATS subject rules: which subjects are valid for a stream, and how two subjects relate
 * with NATS wildcard semantics ({@code *} matches exactly one token, {@code >} one or
 * more trailing tokens).
 */
public final class Subjects {

	private Subjects() {
	}

	/**
	 * Checks that {@code subject} is a valid stream subject: non-empty tokens separated
	 * by dots, no whitespace, {@code >} only as the last token and wildcards only as
	 * whole tokens.
	 * @param subject the subject
	 * @param property the property path that holds it, for the error message
	 * @return the subject
	 * @throws TopologyException naming the property, the value and the fix
	 */
	public static String validate(@Nullable String subject, String property) {
		String problem = problem(subject);
		if (problem != null) {
			throw new TopologyException("Invalid subject '" + subject + "': " + problem, property,
					"Use dot-separated tokens without spaces, such as 'orders.created', 'orders.*' or 'orders.>'; "
							+ "'*' and '>' must stand alone as a token and '>' must be the last token.");
		}
		return subject;
	}

	/**
	 * @param subject a subject
	 * @return whether {@link #validate} accepts it
	 */
	public static boolean isValid(@Nullable String subject) {
		return problem(subject) == null;
	}

	static @Nullable String problem(@Nullable String subject) {
		if (subject == null || subject.isEmpty()) {
			return "it is empty";
		}
		for (int i = 0; i < subject.length(); i++) {
			if (Character.isWhitespace(subject.charAt(i)) || Character.isISOControl(subject.charAt(i))) {
				return "it contains whitespace at index " + i;
			}
		}
		String[] tokens = tokens(subject);
		for (int i = 0; i < tokens.length; i++) {
			String token = tokens[i];
			if (token.isEmpty()) {
				return "token " + (i + 1) + " is empty";
			}
			if (token.equals(">") && i < tokens.length - 1) {
				return "'>' is not the last token";
			}
			if (token.length() > 1 && (token.contains("*") || token.contains(">"))) {
				return "token '" + token + "' has a wildcard inside it";
			}
		}
		return null;
	}

	/**
	 * Whether every concrete subject that matches {@code narrower} also matches
	 * {@code wider}: {@code orders.>} covers {@code orders.created} and {@code orders.*};
	 * {@code orders.*} covers {@code orders.created} but not {@code orders.us.created}. A
	 * subject covers itself.
	 * @param wider a valid subject
	 * @param narrower a valid subject
	 * @return whether {@code wider} covers {@code narrower}
	 */
	public static boolean covers(String wider, String narrower) {
		String[] a = tokens(wider);
		String[] b = tokens(narrower);
		for (int i = 0; i < a.length; i++) {
			if (a[i].equals(">")) {
				return i < b.length;
			}
			if (i >= b.length || b[i].equals(">")) {
				return false;
			}
			if (!a[i].equals("*") && (b[i].equals("*") || !a[i].equals(b[i]))) {
				return false;
			}
		}
		return a.length == b.length;
	}

	/**
	 * Whether some concrete subject matches both subjects, which is when nats-server
	 * refuses to let two streams hold them ("subjects overlap with an existing stream"),
	 * or one stream hold both.
	 * @param first a valid subject
	 * @param second a valid subject
	 * @return whether the subjects overlap
	 */
	public static boolean overlaps(String first, String second) {
		String[] a = tokens(first);
		String[] b = tokens(second);
		int common = Math.min(a.length, b.length);
		for (int i = 0; i < common; i++) {
			if (a[i].equals(">") || b[i].equals(">")) {
				return true;
			}
			if (!a[i].equals("*") && !b[i].equals("*") && !a[i].equals(b[i])) {
				return false;
			}
		}
		// no '>' within the common tokens: a longer subject has tokens the shorter cannot
		// match
		return a.length == b.length;
	}

	private static String[] tokens(String subject) {
		return subject.split("\\.", -1);
	}

}
