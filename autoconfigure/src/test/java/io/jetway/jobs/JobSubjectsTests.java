package io.jetway.jobs;

import io.jetway.support.JetwayConfigurationException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link JobSubjects}: subjects, filters and stream subjects made of subject templates
 * (pure logic; {@code JobQueueSubjectTests} runs them against NATS).
 */
class JobSubjectsTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void withoutTemplatesEveryQueueHasItsBuiltInSubject() {
		JobSubjects subjects = new JobSubjects(new JobsProperties(), json);
		assertThat(subjects.subject("email", "{\"project\":\"p\"}", "send")).isEqualTo("jetway.jobs.queue.email");
		assertThat(subjects.dispatchSubject("email", null)).isEqualTo("jetway.jobs.queue.email");
		assertThat(subjects.filter("email")).isEqualTo("jetway.jobs.queue.email");
		assertThat(subjects.streamSubjects()).containsExactly("jetway.jobs.queue.>");
	}

	@Test
	void aQueuesTemplateTakesTokensFromTheMetaAndOthersKeepTheirs() {
		JobsProperties properties = new JobsProperties();
		properties.getQueues().put("email", queue("atlasdb.jobs.{project}.{env}.{queue}"));
		properties.getQueues().put("reports", new JobsProperties.QueueProperties());
		JobSubjects subjects = new JobSubjects(properties, json);
		assertThat(subjects.subject("email", "{\"project\":\"acme\",\"env\":\"dev\",\"other\":[1]}", "send"))
			.isEqualTo("atlasdb.jobs.acme.dev.email");
		assertThat(subjects.filter("email")).isEqualTo("atlasdb.jobs.*.*.email");
		assertThat(subjects.filter("reports")).isEqualTo("jetway.jobs.queue.reports");
		assertThat(subjects.streamSubjects()).containsExactly("jetway.jobs.queue.>", "atlasdb.jobs.*.*.*");
		// the template changed after the job was stored: the queue's workers still take
		// it
		assertThat(subjects.dispatchSubject("email", "{\"project\":\"acme\"}")).isEqualTo("atlasdb.jobs.acme._.email");
		assertThat(subjects.dispatchSubject("email", "not json")).isEqualTo("atlasdb.jobs._._.email");
	}

	@Test
	void theDefaultTemplateServesQueuesWithoutTheirOwnAndCoveredStreamSubjectsAreDropped() {
		JobsProperties properties = new JobsProperties();
		properties.getDefaults().setSubject("atlasdb.jobs.{project}.{env}.{queue}");
		properties.getQueues().put("email", queue("atlasdb.jobs.{project}.mail.{queue}"));
		properties.getQueues().put("reports", new JobsProperties.QueueProperties());
		JobSubjects subjects = new JobSubjects(properties, json);
		assertThat(subjects.filter("reports")).isEqualTo("atlasdb.jobs.*.*.reports");
		assertThat(subjects.filter("unlisted")).isEqualTo("atlasdb.jobs.*.*.unlisted");
		assertThat(subjects.filter("email")).isEqualTo("atlasdb.jobs.*.mail.email");
		assertThat(subjects.streamSubjects()).containsExactly("jetway.jobs.queue.>", "atlasdb.jobs.*.*.*");
	}

	@Test
	void metaThatCannotMakeTheSubjectIsRefusedAtEnqueueAndAMissingValueIsAnUnderscore() {
		JobsProperties properties = new JobsProperties();
		properties.getDefaults().setSubject("t.{project}.{queue}");
		JobSubjects subjects = new JobSubjects(properties, json);
		assertThatIllegalArgumentException().isThrownBy(() -> subjects.subject("q", "{\"project\":\"a b\"}", "send"))
			.withMessage("Job type 'send' in queue 'q': its metadata's 'project' is \"a b\", and the queue's "
					+ "subject template 't.{project}.{queue}' (jetway.jobs.defaults.subject) needs it as a subject "
					+ "token. Give JobOptions.meta a 'project' of letters, digits, '-' and '_'. Nothing was stored.");
		assertThat(subjects.subject("q", null, "send")).isEqualTo("t._.q");
		assertThat(subjects.subject("q", "{\"project\":null}", "send")).isEqualTo("t._.q");
		assertThatIllegalArgumentException().isThrownBy(() -> subjects.subject("q", "{\"project\":1.5}", "send"))
			.withMessageContaining("its metadata's 'project' is 1.5");
		assertThat(subjects.subject("q", "{\"project\":42}", "send")).isEqualTo("t.42.q");
	}

	@Test
	void invalidTemplatesFailNamingTheProperty() {
		assertInvalid("atlasdb.jobs.{project}", "it has no '{queue}' token");
		assertInvalid("atlasdb.jobs.*.{queue}", "token '*' is neither a literal nor a placeholder");
		assertInvalid("atlasdb.jobs.x{project}.{queue}", "token 'x{project}' is neither a literal nor a placeholder");
		assertInvalid("atlasdb..{queue}", "it does not make a valid NATS subject");
	}

	@Test
	void queuesWhoseSubjectsOverlapFailTheStartup() {
		assertTwoQueuesFail("t.{queue}.{x}", "t.{y}.{queue}",
				"The subjects of job queues 'a' ('t.a.*') and 'b' ('t.*.b') overlap (property "
						+ "jetway.jobs.queues.b.subject)");
	}

	@Test
	void streamSubjectsThatOverlapWithoutCoveringFailTheStartup() {
		assertTwoQueuesFail("t.{queue}.x.{p}", "t.{p}.{queue}.y", "The job subjects of jetway.jobs.queues.a.subject "
				+ "and jetway.jobs.queues.b.subject overlap ('t.*.x.*' and 't.*.*.y')");
	}

	private static void assertTwoQueuesFail(String a, String b, String message) {
		JobsProperties properties = new JobsProperties();
		properties.getQueues().put("a", queue(a));
		properties.getQueues().put("b", queue(b));
		assertThatExceptionOfType(JetwayConfigurationException.class)
			.isThrownBy(() -> new JobSubjects(properties, json))
			.withMessageContaining(message);
	}

	private static void assertInvalid(String template, String problem) {
		JobsProperties properties = new JobsProperties();
		properties.getQueues().put("q", queue(template));
		assertThatExceptionOfType(JetwayConfigurationException.class)
			.isThrownBy(() -> new JobSubjects(properties, json))
			.withMessageContaining("Invalid job subject template '" + template + "': " + problem)
			.withMessageContaining("(property jetway.jobs.queues.q.subject)");
	}

	private static JobsProperties.QueueProperties queue(String subject) {
		JobsProperties.QueueProperties queue = new JobsProperties.QueueProperties();
		queue.setSubject(subject);
		return queue;
	}

}
