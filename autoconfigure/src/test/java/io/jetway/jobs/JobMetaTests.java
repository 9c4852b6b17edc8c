package io.jetway.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.jetway.consumer.NonRetryableException;
import io.jetway.jobs.JobRepository.NewJob;
import io.jetway.publish.JetwayHeaders;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Job metadata ({@link JobOptions#meta()}) against real databases and NATS: stored with
 * the job, returned by status and list, given to the handler, and carried in the job's
 * events and in its message's header, on every way a job message leaves (direct dispatch,
 * the outbox, the dispatch recovery, a retry).
 */
class JobMetaTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Map<String, Object> META = meta();

	private static Map<String, Object> meta() {
		Map<String, Object> meta = new LinkedHashMap<>();
		meta.put("project", "p-1");
		meta.put("env", "prod");
		meta.put("attempt-budget", 3);
		meta.put("owner", Map.of("name", "Zoë"));
		return meta;
	}

	private ApplicationContextRunner runner(TestDatabase type) throws Exception {
		return runner(databases.get(type), nats.url()).withPropertyValues("jetway.jobs.dispatch.recovery-delay=1s",
				"jetway.jobs.dispatch.recovery-interval=100ms");
	}

	/**
	 * A context with {@link MetaHandlers}, on a database and NATS emptied of jobs.
	 */
	static ApplicationContextRunner runner(TestDatabaseInstance database, String natsUrl) throws Exception {
		JobsTests.reset(database, natsUrl);
		MetaHandlers.seen.clear();
		MetaHandlers.failures = 0;
		return JobsTests.contextRunner(database, natsUrl).withUserConfiguration(MetaHandlers.class);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void metaIsStoredGivenToTheHandlerAndCarriedInEventsAndMessageHeaders(TestDatabase type) throws Exception {
		runner(type).run((context) -> {
			Connection connection = context.getBean(Connection.class);
			Subscription messages = connection.subscribe("jetway.jobs.queue.>");
			Subscription events = connection.subscribe("jetway.jobs.events.>");
			connection.flush(Duration.ofSeconds(1));
			JobClient jobs = context.getBean(JobClient.class);
			// now: straight from the table on PostgreSQL, through the outbox elsewhere;
			// delayed: through the outbox everywhere
			UUID now = jobs.enqueue("remember-meta", new Named("now"), JobOptions.builder().meta(META).build());
			UUID delayed = jobs.enqueue("remember-meta", new Named("delayed"),
					JobOptions.builder().meta(META).delay(Duration.ofMillis(300)).build());
			UUID without = jobs.enqueue("remember-meta", new Named("without"));
			await().atMost(Duration.ofSeconds(15)).until(() -> MetaHandlers.seen.size() == 3);

			assertThat(MetaHandlers.seen).containsOnlyKeys("now", "delayed", "without");
			assertSameJson(MetaHandlers.seen.get("now"), META);
			assertSameJson(MetaHandlers.seen.get("delayed"), META);
			assertThat(MetaHandlers.seen.get("without")).isEqualTo("none");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jobs.status(delayed).orElseThrow().status() == JobState.COMPLETED);
			assertSameJson(jobs.status(now).orElseThrow().meta(), META);
			assertThat(jobs.status(without).orElseThrow().meta()).isNull();
			assertThat(jobs.list("default", null, 0, 10)).extracting(JobStatus::id, JobStatus::meta)
				.contains(tuple(without, null));
			assertSameJson(jobs.list("default", null, 0, 10)
				.stream()
				.filter((job) -> job.id().equals(delayed))
				.findFirst()
				.orElseThrow()
				.meta(), META);

			Map<String, Message> byJob = jobMessages(messages, 3);
			assertSameJson(byJob.get(now.toString()).getHeaders().getFirst(JetwayHeaders.JOB_META), META);
			assertSameJson(byJob.get(delayed.toString()).getHeaders().getFirst(JetwayHeaders.JOB_META), META);
			assertThat(byJob.get(without.toString()).getHeaders().containsKey(JetwayHeaders.JOB_META)).isFalse();
			// a header value is ASCII: the non-ASCII character is escaped
			assertThat(byJob.get(now.toString()).getHeaders().getFirst(JetwayHeaders.JOB_META)).contains("\\u00EB")
				.doesNotContain("ë");

			List<JsonNode> nowEvents = events(events, now, "completed");
			assertThat(nowEvents).extracting((event) -> event.get("status").asString())
				.containsExactly("pending", "running", "completed");
			// only the event of an ended attempt says how long it ran
			assertThat(nowEvents).extracting((event) -> event.has("duration_ms")).containsExactly(false, false, true);
			assertThat(nowEvents.get(2).get("duration_ms").asLong()).isNotNegative();
			nowEvents.forEach((event) -> assertThat(event.get("meta")).isEqualTo(json.valueToTree(META)));
		});
	}

	@Test
	void aRecoveredJobsMessageAndARetrysMessageCarryTheMeta() throws Exception {
		runner(TestDatabase.POSTGRESQL).run((context) -> {
			Connection connection = context.getBean(Connection.class);
			Subscription messages = connection.subscribe("jetway.jobs.queue.>");
			connection.flush(Duration.ofSeconds(1));
			// committed as by an instance that stopped right after the commit: only the
			// dispatch recovery publishes its message
			UUID recovered = UUID.randomUUID();
			Instant now = Instant.now();
			String meta = json.writeValueAsString(META);
			assertThat(meta).contains("ë");
			context.getBean(JobRepository.class)
				.insertAll(List.of(new NewJob(recovered, "remember-meta", "default", JobState.PENDING, 3,
						"{\"name\":\"recovered\"}", null, null, now, now, true, null, meta)));
			// the recovery waits for every transaction open in the PostgreSQL cluster,
			// where
			// other test runs may hold some for a while
			await().atMost(Duration.ofSeconds(60)).until(() -> MetaHandlers.seen.containsKey("recovered"));
			assertSameJson(MetaHandlers.seen.get("recovered"), META);
			// stored unescaped (not by Jetway): the header escapes it all the same
			String header = jobMessages(messages, 1).get(recovered.toString())
				.getHeaders()
				.getFirst(JetwayHeaders.JOB_META);
			assertSameJson(header, META);
			assertThat(header).contains("\\u00EB").doesNotContain("ë");

			JobClient jobs = context.getBean(JobClient.class);
			MetaHandlers.failures = 1;
			UUID failing = jobs.enqueue("remember-meta", new Named("failing"),
					JobOptions.builder().meta(META).maxAttempts(1).build());
			await().atMost(Duration.ofSeconds(15))
				.until(() -> jobs.status(failing).orElseThrow().status() == JobState.FAILED);
			jobMessages(messages, 1);
			assertThat(jobs.retry(failing)).isTrue();
			await().atMost(Duration.ofSeconds(15))
				.until(() -> jobs.status(failing).orElseThrow().status() == JobState.COMPLETED);
			assertSameJson(
					jobMessages(messages, 1).get(failing.toString()).getHeaders().getFirst(JetwayHeaders.JOB_META),
					META);
		});
	}

	@Test
	void metaOfExactlyTheLimitIsAcceptedAndOneCharacterMoreIsRefusedAndNothingIsStored() throws Exception {
		runner(TestDatabase.H2).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			// {"text":"…"} is 11 characters around the text
			Map<String, Object> atLimit = Map.of("text", "x".repeat(JobOptions.MAX_META_LENGTH - 11));
			assertThat(json.writeValueAsString(atLimit)).hasSize(4096);
			UUID accepted = jobs.enqueue("remember-meta", new Named("at-limit"),
					JobOptions.builder().meta(atLimit).delay(Duration.ofHours(1)).build());
			assertSameJson(jobs.status(accepted).orElseThrow().meta(), atLimit);
			JobOptions tooLong = JobOptions.builder()
				.meta(Map.of("text", "x".repeat(JobOptions.MAX_META_LENGTH - 10)))
				.build();
			assertThatIllegalArgumentException()
				.isThrownBy(() -> jobs.enqueue("remember-meta", new Named("big"), tooLong))
				.withMessageContaining("The meta of job type 'remember-meta' is 4097 characters as JSON")
				.withMessageContaining("JobOptions.MAX_META_LENGTH")
				.withMessageContaining("Nothing was stored");
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForList("SELECT id FROM jetway_jobs", UUID.class)).containsExactly(accepted);
			assertThat(jobs.cancel(accepted)).isTrue();
			jdbc.update("DELETE FROM jetway_jobs");
		});
	}

	@Test
	void metaJacksonCannotSerializeIsRefusedAndNothingIsStored() throws Exception {
		runner(TestDatabase.H2).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			JobOptions unserializable = JobOptions.builder().meta(Map.of("broken", new Unserializable())).build();
			assertThatIllegalArgumentException()
				.isThrownBy(() -> jobs.enqueue("remember-meta", new Named("broken"), unserializable))
				.withMessageContaining("The meta of job type 'remember-meta' cannot be serialized to JSON")
				.withMessageContaining("Use strings, numbers, booleans, and lists or maps of them")
				.withMessageContaining("Nothing was stored");
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs", Integer.class)).isZero();
		});
	}

	@Test
	void theCancelledEventCarriesTheMeta() throws Exception {
		runner(TestDatabase.H2).run((context) -> {
			Connection connection = context.getBean(Connection.class);
			Subscription events = connection.subscribe("jetway.jobs.events.>");
			connection.flush(Duration.ofSeconds(1));
			JobClient jobs = context.getBean(JobClient.class);
			UUID later = jobs.enqueue("remember-meta", new Named("later"),
					JobOptions.builder().meta(META).delay(Duration.ofHours(1)).build());
			assertThat(jobs.cancel(later)).isTrue();

			List<JsonNode> laterEvents = events(events, later, "cancelled");
			assertThat(laterEvents).extracting((event) -> event.get("status").asString())
				.containsExactly("scheduled", "cancelled");
			laterEvents.forEach((event) -> assertThat(event.get("meta")).isEqualTo(json.valueToTree(META)));
			context.getBean(JdbcTemplate.class).update("DELETE FROM jetway_jobs");
		});
	}

	private static Map<String, Message> jobMessages(Subscription subscription, int count) {
		Map<String, Message> byJob = new LinkedHashMap<>();
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			Message message = subscription.nextMessage(Duration.ofMillis(100));
			if (message != null) {
				byJob.put(json.readTree(message.getData()).get("id").asString(), message);
			}
			return byJob.size() == count;
		});
		return byJob;
	}

	private static List<JsonNode> events(Subscription subscription, UUID job, String last) {
		List<JsonNode> events = new ArrayList<>();
		await().atMost(Duration.ofSeconds(15)).until(() -> {
			Message message = subscription.nextMessage(Duration.ofMillis(100));
			if (message != null) {
				JsonNode event = json.readTree(new String(message.getData(), StandardCharsets.UTF_8));
				if (event.get("id").asString().equals(job.toString())) {
					events.add(event);
				}
			}
			return !events.isEmpty() && events.get(events.size() - 1).get("status").asString().equals(last);
		});
		return events;
	}

	private static void assertSameJson(String actual, Map<String, Object> expected) {
		assertThat(actual).isNotNull();
		assertThat(json.readTree(actual)).isEqualTo(json.valueToTree(expected));
	}

	record Named(String name) {
	}

	/**
	 * A value Jackson fails on: its only property cannot be read.
	 */
	static class Unserializable {

		public String getValue() {
			throw new IllegalStateException("no value");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MetaHandlers {

		static final Map<String, String> seen = new ConcurrentHashMap<>();

		static volatile int failures;

		@Bean
		Handler metaHandler() {
			return new Handler();
		}

		static class Handler {

			@JobHandler(type = "remember-meta")
			void remember(Named named, JobContext context) {
				if (failures > 0) {
					failures--;
					throw new NonRetryableException("failing once on purpose");
				}
				seen.put(named.name(), (context.meta() != null) ? context.meta() : "none");
			}

		}

	}

}
