package io.jetway.consumer;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.publish.JetwayPublisher;
import io.jetway.support.JetwayConfigurationException;
import io.jetway.support.JetwayFailureAnalyzer;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static io.jetway.consumer.ConsumerTestSupport.effects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the durable consumer is ensured at startup: an unchanged configuration is kept as
 * it is across restarts, and a consumer whose filter subject another stream owns fails
 * startup with Jetway's report.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsumerEnsureTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private TestDatabaseInstance database;

	@BeforeEach
	void reset() throws Exception {
		this.database = databases.get(TestDatabase.POSTGRESQL);
		ConsumerTestSupport.reset(this.database, nats.url());
		RecordingListener.calls.set(0);
	}

	@Test
	void byStartTimeConsumerIsKeptAcrossRestarts(CapturedOutput output) {
		var runner = contextRunner(this.database, nats.url()).withUserConfiguration(RecordingListener.class)
			.withPropertyValues("jetway.consumers.recorder.stream=ORDERS",
					"jetway.consumers.recorder.deliver-policy=by-start-time",
					"jetway.consumers.recorder.start-time=2020-01-01T00:00:00.123456789Z");
		ZonedDateTime[] created = new ZonedDateTime[1];
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			for (int i = 0; i < 10; i++) {
				publisher.publish("orders.created", "{\"n\":" + i + "}");
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> effects(this.database) == 10);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> context.getBean(JetStreamManagement.class)
					.getConsumerInfo("ORDERS", "recorder")
					.getNumAckPending() == 0);
			created[0] = context.getBean(JetStreamManagement.class)
				.getConsumerInfo("ORDERS", "recorder")
				.getCreationTime();
		});
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JetStreamManagement.class)
				.getConsumerInfo("ORDERS", "recorder")
				.getCreationTime()
				.toInstant()).isEqualTo(created[0].toInstant());
			// a recreated durable would start again at the start time and replay all 10
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(3))
				.until(() -> effects(this.database) == 10);
		});
		assertThat(RecordingListener.calls).hasValue(10);
		assertThat(output).doesNotContain("deleting and recreating").doesNotContain("Updating durable consumer");
	}

	@Test
	void serverDefaultsAreNotUpdatedOnEveryStart(CapturedOutput output) {
		var runner = contextRunner(this.database, nats.url()).withUserConfiguration(RecordingListener.class)
			.withPropertyValues("jetway.consumers.recorder.stream=ORDERS", "jetway.consumers.recorder.max-deliver=-1",
					"jetway.consumers.recorder.max-ack-pending=-1");
		runner.run((context) -> assertThat(context).hasNotFailed());
		runner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("deleting and recreating").doesNotContain("Updating durable consumer");
	}

	@Test
	void consumerOfASubjectAnotherStreamOwnsFailsStartupWithJetwaysReport() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			connection.jetStreamManagement()
				.addStream(StreamConfiguration.builder().name("SHIPPING").subjects("shipments.>").build());
		}
		contextRunner(this.database, nats.url()).withUserConfiguration(RecordingListener.class)
			.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.>,shipments.eu",
					"jetway.consumers.recorder.stream=ORDERS", "jetway.consumers.recorder.filter-subject=shipments.eu")
			.run((context) -> {
				Throwable failure = context.getStartupFailure();
				assertThat(failure).isNotNull();
				FailureAnalysis analysis = new JetwayFailureAnalyzer().analyze(failure);
				assertThat(analysis)
					.as("Jetway's failure report for %s", NestedExceptionUtils.getMostSpecificCause(failure))
					.isNotNull();
				assertThat(analysis.getCause()).isInstanceOf(JetwayConfigurationException.class);
				assertThat(analysis.getDescription()).contains("recorder")
					.contains("shipments.eu")
					.contains("SHIPPING")
					.contains("shipments.>")
					.contains("(property jetway.consumers.recorder.filter-subject)");
				assertThat(analysis.getAction()).contains("jetway.consumers.recorder.stream")
					.contains("jetway.consumers.recorder.filter-subject");
			});
	}

	@Test
	void consumerOfAStreamNotCreatedBecauseAnotherStreamOwnsAllItsSubjectsFailsStartupWithJetwaysReport()
			throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			connection.jetStreamManagement()
				.addStream(StreamConfiguration.builder().name("SHIPPING").subjects("shipments.>").build());
		}
		contextRunner(this.database, nats.url()).withUserConfiguration(RecordingListener.class)
			.withPropertyValues("jetway.topology.streams.EU_SHIPMENTS.subjects=shipments.eu.>",
					"jetway.consumers.recorder.stream=EU_SHIPMENTS")
			.run((context) -> {
				Throwable failure = context.getStartupFailure();
				assertThat(failure).isNotNull();
				FailureAnalysis analysis = new JetwayFailureAnalyzer().analyze(failure);
				assertThat(analysis)
					.as("Jetway's failure report for %s", NestedExceptionUtils.getMostSpecificCause(failure))
					.isNotNull();
				assertThat(analysis.getDescription()).contains("recorder")
					.contains("shipments.eu.>")
					.contains("SHIPPING")
					.contains("cannot be created")
					.contains("(property jetway.consumers.recorder.stream)");
				assertThat(analysis.getAction()).contains("jetway.consumers.recorder.stream");
			});
	}

	@Test
	void configuredConsumerWithoutAListenerFailsStartupWithJetwaysReport() {
		contextRunner(this.database, nats.url()).withUserConfiguration(RecordingListener.class)
			.withPropertyValues("jetway.consumers.recorder.stream=ORDERS", "jetway.consumers.other.stream=ORDERS")
			.run((context) -> {
				FailureAnalysis analysis = jetwaysReport(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains(
						"jetway.consumers.other is configured but no bean has a @JetStreamListener(\"other\") method");
				assertThat(analysis.getAction()).contains("docs/consumers.md");
			});
	}

	@Test
	void consumerOfAnUndeclaredStreamFailsStartupWithJetwaysReport() {
		contextRunner(this.database, nats.url()).withUserConfiguration(RecordingListener.class)
			.withPropertyValues("jetway.consumers.recorder.stream=PAYMENTS")
			.run((context) -> {
				FailureAnalysis analysis = jetwaysReport(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("recorder")
					.contains("'PAYMENTS'")
					.contains("does not exist")
					.contains("(property jetway.consumers.recorder.stream)");
				assertThat(analysis.getAction()).contains("jetway.topology.streams.PAYMENTS.subjects");
			});
	}

	private static FailureAnalysis jetwaysReport(Throwable failure) {
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = new JetwayFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("Jetway's failure report for %s", NestedExceptionUtils.getMostSpecificCause(failure))
			.isNotNull();
		return analysis;
	}

	static class RecordingListener {

		static final AtomicInteger calls = new AtomicInteger();

		private final JdbcTemplate jdbc;

		RecordingListener(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@JetStreamListener("recorder")
		void on(String body, MessageContext context) {
			calls.incrementAndGet();
			this.jdbc.update("INSERT INTO effects VALUES (?, ?)", context.messageId(), Instant.now().toString());
		}

	}

}
