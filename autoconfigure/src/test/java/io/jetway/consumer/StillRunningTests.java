package io.jetway.consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two handlers of the same message given up on: the message still has a hung handler
 * until both returned.
 */
class StillRunningTests {

	@Test
	void sequenceStaysUntilEveryHandlerGivenUpOnReturned() {
		StillRunning stillRunning = new StillRunning();
		stillRunning.add(7);
		stillRunning.add(7);
		stillRunning.add(8);
		stillRunning.remove(7);
		assertThat(stillRunning.contains(7)).isTrue();
		stillRunning.remove(7);
		assertThat(stillRunning.contains(7)).isFalse();
		assertThat(stillRunning.contains(8)).isTrue();
		// a return not counted (never added) changes nothing
		stillRunning.remove(9);
		assertThat(stillRunning.contains(9)).isFalse();
	}

}
