package io.jetway.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Random subjects over a small alphabet, and an independent brute-force reference for
 * {@link Subjects#covers} and {@link Subjects#overlaps}: a regular expression per
 * subject, tried on every concrete subject up to a length one beyond the longest.
 */
final class SubjectSamples {

	private static final String[] TOKENS = { "a", "b", "*", ">" };

	private static final String[] CONCRETE = { "a", "b", "z" };

	private SubjectSamples() {
	}

	static String random(Random random) {
		int length = 1 + random.nextInt(3);
		List<String> tokens = new ArrayList<>();
		for (int i = 0; i < length; i++) {
			String token = TOKENS[random.nextInt((i == length - 1) ? TOKENS.length : TOKENS.length - 1)];
			tokens.add(token);
		}
		return String.join(".", tokens);
	}

	static boolean referenceCovers(String wider, String narrower) {
		Pattern w = pattern(wider);
		Pattern n = pattern(narrower);
		return concrete(maxLength(wider, narrower) + 1).stream()
			.filter((subject) -> n.matcher(subject).matches())
			.allMatch((subject) -> w.matcher(subject).matches());
	}

	static boolean referenceOverlaps(String first, String second) {
		Pattern a = pattern(first);
		Pattern b = pattern(second);
		return concrete(maxLength(first, second) + 1).stream()
			.anyMatch((subject) -> a.matcher(subject).matches() && b.matcher(subject).matches());
	}

	private static int maxLength(String first, String second) {
		return Math.max(first.split("\\.").length, second.split("\\.").length);
	}

	private static Pattern pattern(String subject) {
		StringBuilder regex = new StringBuilder();
		String[] tokens = subject.split("\\.");
		for (int i = 0; i < tokens.length; i++) {
			regex.append((i > 0) ? "\\." : "");
			regex.append(switch (tokens[i]) {
				case "*" -> "[^.]+";
				case ">" -> "[^.]+(\\.[^.]+)*";
				default -> Pattern.quote(tokens[i]);
			});
		}
		return Pattern.compile(regex.toString());
	}

	private static List<String> concrete(int maxLength) {
		List<String> all = new ArrayList<>();
		List<String> current = List.of("");
		for (int length = 1; length <= maxLength; length++) {
			List<String> next = new ArrayList<>();
			for (String prefix : current) {
				for (String token : CONCRETE) {
					next.add(prefix.isEmpty() ? token : prefix + "." + token);
				}
			}
			all.addAll(next);
			current = next;
		}
		return all;
	}

}
