package io.jetway.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.jetway.jobs.JobMetaTests.MetaHandlers;
import io.jetway.jobs.JobMetaTests.Named;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * A queue's subject template against real databases and NATS: job messages go to the
 * subject the template makes of the job's metadata (per tenant), the queue's workers
 * still take them, and the jobs stream and consumer are declared for it.
 */
class JobQueueSubjectTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final JsonMapper json = JsonMapper.builder().build();

	private ApplicationContextRunner runner(TestDatabase type) throws Exception {
		return JobMetaTests.runner(databases.get(type), nats.url())
			.withPropertyValues("jetway.jobs.defaults.subject=tenants.jobs.{project}.{env}.{queue}");
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void jobsOfATenantGoToItsSubjectAndTheQueuesWorkersRunThem(TestDatabase type) throws Exception {
		runner(type).run((context) -> {
			Connection connection = context.getBean(Connection.class);
			JetStreamManagement management = connection.jetStreamManagement();
			assertThat(management.getStreamInfo("JOBS").getConfiguration().getSubjects())
				.containsExactly("jetway.jobs.queue.>", "tenants.jobs.*.*.*");
			Subjects messages = new Subjects(connection.subscribe("tenants.jobs.>"));
			connection.flush(Duration.ofSeconds(1));
			JobClient jobs = context.getBean(JobClient.class);
			JobOptions acme = JobOptions.builder().meta(Map.of("project", "acme", "env", "dev")).build();
			JobOptions globex = JobOptions.builder()
				.meta(Map.of("project", "globex", "env", 7))
				.delay(Duration.ofMillis(300))
				.build();
			UUID acmeJob = jobs.enqueue("remember-meta", new Named("acme"), acme);
			UUID globexJob = jobs.enqueue("remember-meta", new Named("globex"), globex);
			// a job of no tenant (a scheduled one, say)
			UUID nobodysJob = jobs.enqueue("remember-meta", new Named("nobody"));

			await().atMost(Duration.ofSeconds(15))
				.until(() -> jobs.status(acmeJob).orElseThrow().status() == JobState.COMPLETED
						&& jobs.status(globexJob).orElseThrow().status() == JobState.COMPLETED
						&& jobs.status(nobodysJob).orElseThrow().status() == JobState.COMPLETED);
			assertThat(MetaHandlers.seen).containsOnlyKeys("acme", "globex", "nobody");
			assertThat(messages.of(acmeJob, 1)).isEqualTo("tenants.jobs.acme.dev.default");
			assertThat(messages.of(globexJob, 1)).isEqualTo("tenants.jobs.globex.7.default");
			assertThat(messages.of(nobodysJob, 1)).isEqualTo("tenants.jobs._._.default");
			assertThat(management.getConsumerInfo("JOBS", JobWorker.consumerName("default"))
				.getConsumerConfiguration()
				.getFilterSubject()).isEqualTo("tenants.jobs.*.*.default");

			// a retry's message goes to the tenant's subject as well
			MetaHandlers.failures = 1;
			UUID failing = jobs.enqueue("remember-meta", new Named("failing"),
					JobOptions.builder().meta(Map.of("project", "acme", "env", "dev")).maxAttempts(1).build());
			await().atMost(Duration.ofSeconds(15))
				.until(() -> jobs.status(failing).orElseThrow().status() == JobState.FAILED);
			assertThat(messages.of(failing, 1)).isEqualTo("tenants.jobs.acme.dev.default");
			assertThat(jobs.retry(failing)).isTrue();
			await().atMost(Duration.ofSeconds(15))
				.until(() -> jobs.status(failing).orElseThrow().status() == JobState.COMPLETED);
			assertThat(messages.of(failing, 2)).isEqualTo("tenants.jobs.acme.dev.default");
		});
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void aJobWhoseMetaHasAValueThatCannotBeATokenIsRefusedAndNothingIsStored(TestDatabase type) throws Exception {
		runner(type).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			JobOptions dotted = JobOptions.builder().meta(Map.of("project", "a.b", "env", "dev")).build();
			assertThatIllegalArgumentException().isThrownBy(() -> jobs.enqueue("remember-meta", new Named("x"), dotted))
				.withMessageContaining("its metadata's 'project' is \"a.b\"")
				.withMessageContaining("'tenants.jobs.{project}.{env}.{queue}' (jetway.jobs.defaults.subject)")
				.withMessageContaining("Nothing was stored");
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs", Integer.class)).isZero();
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_outbox", Integer.class)).isZero();
		});
	}

	/**
	 * Reads job messages from a subscription, keeping each job's subjects in order.
	 */
	private static final class Subjects {

		private final Subscription subscription;

		private final Map<String, List<String>> byJob = new HashMap<>();

		Subjects(Subscription subscription) {
			this.subscription = subscription;
		}

		/**
		 * @return the subject of the job's {@code n}th message (from 1)
		 */
		String of(UUID job, int n) {
			await().atMost(Duration.ofSeconds(15)).until(() -> {
				Message message = this.subscription.nextMessage(Duration.ofMillis(100));
				if (message != null) {
					this.byJob
						.computeIfAbsent(json.readTree(message.getData()).get("id").asString(),
								(id) -> new ArrayList<>())
						.add(message.getSubject());
				}
				return this.byJob.getOrDefault(job.toString(), List.of()).size() >= n;
			});
			return this.byJob.get(job.toString()).get(n - 1);
		}

	}

}
