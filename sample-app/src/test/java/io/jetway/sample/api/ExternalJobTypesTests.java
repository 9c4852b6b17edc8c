package io.jetway.sample.api;

import java.util.List;
import java.util.Set;

import io.jetway.jobs.JobsProperties;
import io.jetway.jobs.JobsProperties.QueueProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The job types of {@code sample.api.external-queues}, checked at startup.
 */
class ExternalJobTypesTests {

	private final ApiKeysProperties properties = new ApiKeysProperties();

	private final JobsProperties jobs = new JobsProperties();

	@Test
	void aListedTypeGoesToItsExternalQueueAndAnyOtherToItsHandlersQueue() {
		external("thumbnails");
		this.properties.getExternalQueues().put("thumbnails", List.of("render_thumbnail"));
		ExternalJobTypes types = new ExternalJobTypes(this.properties, this.jobs, () -> Set.of("send_email"));
		assertThat(types.queue("render_thumbnail")).isEqualTo("thumbnails");
		assertThat(types.queue("send_email")).isNull();
	}

	@Test
	void aQueueThatIsNotExternalIsRefusedNamingThePropertyToSet() {
		this.properties.getExternalQueues().put("thumbnails", List.of("render_thumbnail"));
		assertThatIllegalStateException()
			.isThrownBy(() -> new ExternalJobTypes(this.properties, this.jobs, () -> Set.of("send_email")))
			.withMessage("sample.api.external-queues.thumbnails names queue 'thumbnails', which is not external: "
					+ "set jetway.jobs.queues.thumbnails.external=true");
	}

	@Test
	void aTypeListedUnderTwoQueuesIsRefused() {
		external("thumbnails");
		external("previews");
		this.properties.getExternalQueues().put("thumbnails", List.of("render_thumbnail"));
		this.properties.getExternalQueues().put("previews", List.of("render_thumbnail"));
		assertThatIllegalStateException()
			.isThrownBy(() -> new ExternalJobTypes(this.properties, this.jobs, () -> Set.of("send_email")))
			.withMessage("sample.api.external-queues.previews lists job type 'render_thumbnail', which "
					+ "sample.api.external-queues.thumbnails lists as well: name one queue");
	}

	@Test
	void aTypeThatAnInProcessHandlerRunsIsRefused() {
		external("thumbnails");
		this.properties.getExternalQueues().put("thumbnails", List.of("render_thumbnail", "send_email"));
		ExternalJobTypes types = new ExternalJobTypes(this.properties, this.jobs, () -> Set.of("send_email"));
		assertThatIllegalStateException().isThrownBy(types::afterSingletonsInstantiated)
			.withMessage("sample.api.external-queues.thumbnails lists job type 'send_email', which an in-process "
					+ "@JobHandler runs: remove it from the list (or the handler)");
	}

	private void external(String queue) {
		QueueProperties properties = new QueueProperties();
		properties.setExternal(true);
		this.jobs.getQueues().put(queue, properties);
	}

}
