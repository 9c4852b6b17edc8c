package io.jetway.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stream an application needs: its logical name and subjects (before {@link Namespace}
 * is applied) and its settings. Immutable. Declare one as a bean and the startup ensure
 * pass includes it together with {@code jetway.topology.streams.*}; or hand it to
 * {@link StreamTopology#ensure} at run time.
 *
 * <pre class="code">
 * &#64;Bean
 * StreamDeclaration deadLetterStream() {
 *     return StreamDeclaration.of("DEAD_LETTERS", "dlq.>")
 *         .withSettings(StreamSettings.builder().maxAge(Duration.ofDays(14)).build());
 * }
 * </pre>
 *
 * @param name the logical stream name, such as {@code ORDERS}
 * @param subjects the logical subjects, such as {@code orders.>}; at least one
 * @param settings the stream's settings
 * @param source where the declaration comes from, used in messages: a property path such
 * as {@code jetway.topology.streams.ORDERS}, or a description such as
 * {@code bean 'deadLetterStream'}
 */
public record StreamDeclaration(String name, List<String> subjects, StreamSettings settings, String source) {

	/** The longest duration nats-server holds: {@link Long#MAX_VALUE} nanoseconds. */
	private static final Duration LONGEST_DURATION = Duration.ofNanos(Long.MAX_VALUE);

	/**
	 * Checks the name, every subject, and that the durations fit what nats-server holds.
	 * @throws TopologyException naming {@code source} and the fault
	 */
	public StreamDeclaration {
		StreamNames.validate(name, source);
		if (subjects.isEmpty()) {
			throw new TopologyException("Stream " + name + " declares no subject", source + ".subjects",
					"Give the stream at least one subject, such as '" + name.toLowerCase() + ".>'.");
		}
		List<String> checked = new ArrayList<>(subjects.size());
		for (int i = 0; i < subjects.size(); i++) {
			checked.add(Subjects.validate(subjects.get(i), source + ".subjects[" + i + "]"));
		}
		subjects = List.copyOf(checked);
		checkHeldByTheServer(settings.maxAge(), "max-age", name, source);
		checkHeldByTheServer(settings.duplicateWindow(), "duplicate-window", name, source);
	}

	/**
	 * nats-server keeps durations as 64-bit nanoseconds; a longer one would overflow deep
	 * inside the client when the stream is sent.
	 */
	private static void checkHeldByTheServer(Duration duration, String setting, String name, String source) {
		if (duration.compareTo(LONGEST_DURATION) > 0) {
			throw new TopologyException(
					"The " + setting + " of stream " + name + " is " + duration.getSeconds() + "s, longer than "
							+ "nats-server can hold (at most 292 years: " + LONGEST_DURATION.getSeconds()
							+ "s, as nanoseconds in 64 bits)",
					source + "." + setting, "Set a shorter duration, or 0 for no limit.");
		}
	}

	/**
	 * A declaration with default settings.
	 * @param name the logical stream name
	 * @param subjects the logical subjects
	 * @return the declaration
	 */
	public static StreamDeclaration of(String name, String... subjects) {
		return new StreamDeclaration(name, Arrays.asList(subjects), StreamSettings.defaults(), "stream " + name);
	}

	public StreamDeclaration withSettings(StreamSettings settings) {
		return new StreamDeclaration(this.name, this.subjects, settings, this.source);
	}

	public StreamDeclaration withSource(String source) {
		return new StreamDeclaration(this.name, this.subjects, this.settings, source);
	}

}
