package io.jetway.dashboard;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-letter page tells "no dead letters" from "too many subjects to count them per
 * consumer".
 */
class DeadLettersPageTests {

	private final Frame frame = new Frame("/jetway", new Viewer("operator", true, true, null, null),
			"/jetway/dead-letters", 1000);

	@Test
	void anEmptyBreakdownOfACappedCountIsNotShownAsNoDeadLetters() {
		String capped = new DeadLettersPage(this.frame, 100).render(Map.of(), true, null, List.of(), 0, 20, 100)
			.toString();
		assertThat(capped).doesNotContain("No dead letters.");
		String empty = new DeadLettersPage(this.frame, 100).render(Map.of(), false, null, List.of(), 0, 20, 100)
			.toString();
		assertThat(empty).contains("No dead letters.");
	}

}
