package io.jetway.jobs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ExternalQueuesWithoutOjs}: the startup warnings for external queues while OJS is
 * off (pure logic).
 */
class ExternalQueuesWithoutOjsTests {

	@Test
	void externalQueuesAndDefaultsAreNamedWhileOjsIsOff() {
		JobsProperties properties = new JobsProperties();
		properties.getDefaults().setExternal(true);
		JobsProperties.QueueProperties media = new JobsProperties.QueueProperties();
		media.setExternal(true);
		properties.getQueues().put("media", media);
		properties.getQueues().put("email", new JobsProperties.QueueProperties());
		assertThat(ExternalQueuesWithoutOjs.warnings(properties, false)).hasSize(2)
			.anySatisfy((warning) -> assertThat(warning).contains("jetway.jobs.defaults.external")
				.contains("jetway.jobs.ojs.enabled"))
			.anySatisfy((warning) -> assertThat(warning).contains("'media'")
				.contains("jetway.jobs.queues.media.external")
				.contains("jetway.jobs.ojs.enabled"))
			.noneSatisfy((warning) -> assertThat(warning).contains("email"));
	}

	@Test
	void nothingIsSaidWhileOjsIsOnOrNoQueueIsExternal() {
		JobsProperties properties = new JobsProperties();
		assertThat(ExternalQueuesWithoutOjs.warnings(properties, false)).isEmpty();
		properties.getDefaults().setExternal(true);
		assertThat(ExternalQueuesWithoutOjs.warnings(properties, true)).isEmpty();
	}

}
