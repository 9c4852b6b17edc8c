package io.jetway.dashboard;

import java.util.List;

import io.jetway.jobs.JobQuery;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names in an action's address are encoded as path segments.
 */
class ActionAddressTests {

	private final Frame frame = new Frame("/jetway", new Viewer("operator", true, true, null, null), "/jetway/jobs",
			1000);

	@Test
	void aQueueNameIsEncodedInThePauseAction() {
		String page = new JobsPage(this.frame)
			.render(new JobQuery("month end?#1", null, null, null, null), null, List.of(), 0, 20, List.of())
			.toString();
		assertThat(page).contains("action=\"/jetway/actions/queues/month%20end%3F%231/pause\"");
	}

}
