package io.jetway.jobs;

import java.util.regex.Pattern;

/**
 * Checks queue names: a queue's name is a token of its subject
 * ({@code jetway.jobs.queue.<queue>}, or its subject template's) and part of its
 * consumer's name, so it is limited to what both accept.
 */
final class QueueNames {

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]+");

	private QueueNames() {
	}

	/**
	 * @param queue the name
	 * @param source where it came from, for the message
	 * @throws IllegalArgumentException if the name is not valid
	 */
	static String check(String queue, String source) {
		if (!VALID.matcher(queue).matches()) {
			throw new IllegalArgumentException("Job queue name '" + queue + "' (" + source + ") is not valid: use "
					+ "letters, digits, '-' and '_' only (it becomes a NATS subject token and part of a consumer "
					+ "name)");
		}
		return queue;
	}

}
