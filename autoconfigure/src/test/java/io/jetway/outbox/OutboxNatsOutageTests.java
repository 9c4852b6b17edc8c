package io.jetway.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import io.jetway.publish.JetwayHeaders;
import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.OutgoingMessage;
import io.jetway.publish.PublishOutages;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerBinary;
import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.outbox.OutboxTestSupport.contextRunner;
import static io.jetway.outbox.OutboxTestSupport.countRows;
import static io.jetway.outbox.OutboxTestSupport.streamCount;
import static io.jetway.outbox.OutboxTestSupport.streamMessages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A failure that is NATS's (no PubAck in time, a stream without a leader, an overloaded
 * server's 429) spends no attempt; a subject that no stream captures, or a rejection by
 * the stream, does. On one real nats-server: a paused server (SIGSTOP) for the
 * unreachable case, while the client still counts itself connected; a real 503 "no
 * responders" classified against the server's own answer to which stream captures the
 * subject.
 */
@ExtendWith(OutputCaptureExtension.class)
class OutboxNatsOutageTests {

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static ApplicationContextRunner runner(TestDatabaseInstance database, NatsServerProcess nats) {
		return contextRunner(database, nats.url()).withPropertyValues("jetway.outbox.relay.ack-timeout=500ms",
				"jetway.outbox.relay.max-attempts=2", "jetway.outbox.relay.backoff.initial=200ms",
				"jetway.outbox.relay.backoff.max=200ms", "jetway.outbox.relay.backoff.jitter=0");
	}

	@Test
	void publishesWithoutPubAckFromAPausedServerSpendNoAttempt() throws Exception {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
			OutboxTestSupport.reset(database, nats.url());
			JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
			runner(database, nats).run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
				signal(nats, "STOP");
				try {
					transactions.executeWithoutResult((status) -> {
						for (int i = 0; i < 20; i++) {
							publisher.publish("orders.created", "while paused " + i);
						}
					});
					await().atMost(Duration.ofSeconds(10))
						.until(() -> jdbc.queryForObject(
								"SELECT COUNT(*) FROM jetway_outbox WHERE last_error IS NOT NULL", Long.class) == 20);
					// round after round of timeouts, far more than max-attempts (2)
					// allows
					await().during(Duration.ofSeconds(3))
						.atMost(Duration.ofSeconds(5))
						.until(() -> countRows(database, "failed") == 0
								&& jdbc.queryForObject("SELECT MAX(attempts) FROM jetway_outbox", Integer.class) == 0);
					// read while the server is still paused: once it runs again, the
					// relay
					// publishes the rows and clears their errors
					assertThat(jdbc.queryForList("SELECT last_error FROM jetway_outbox", String.class))
						.allMatch((error) -> error != null && error.contains("no PubAck"));
				}
				finally {
					signal(nats, "CONT");
				}
				assertThat(context.getBean(Connection.class).getStatus()).isEqualTo(Connection.Status.CONNECTED);
				await().atMost(Duration.ofSeconds(15)).until(() -> countRows(database, "sent") == 20);
				// the one attempt each row spent is the publish that succeeded (marking a
				// row sent counts it): not MAX(attempts) = 0 right after SIGCONT, which
				// raced the relay publishing the rows at once
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_outbox WHERE attempts <> 1", Long.class))
					.as("rows whose attempts are not just the successful publish")
					.isZero();
				Set<String> ids = streamMessages(nats.url(), "ORDERS").stream()
					.map((message) -> message.getHeaders().getFirst(JetwayHeaders.NATS_MSG_ID))
					.collect(Collectors.toSet());
				assertThat(ids).hasSize(20);
				assertThat(streamCount(nats.url(), "ORDERS")).isEqualTo(20);
			});
		}
	}

	@Test
	void aSubjectNoStreamCapturesSpendsItsAttempts() throws Exception {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
			OutboxTestSupport.reset(database, nats.url());
			runner(database, nats).run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				context.getBean(TransactionTemplate.class)
					.executeWithoutResult((status) -> publisher.publish("unrouted.created", "nowhere"));
				await().atMost(Duration.ofSeconds(15)).until(() -> countRows(database, "failed") == 1);
				String error = new JdbcTemplate(database.dataSource())
					.queryForObject("SELECT last_error FROM jetway_outbox", String.class);
				assertThat(error).contains("No JetStream stream captures subject 'unrouted.created'");
			});
		}
	}

	/**
	 * An overloaded server answers "429 Too Many Requests" when a stream's ingest queue
	 * is full (here one message, {@code max_buffered_msgs} of nats-server 2.11 and
	 * later): the server's state, not the message's, so no attempt is spent. The relay's
	 * outage reports are read at DEBUG too: its WARN comes once a minute, and names the
	 * first outage of its batch, which may be a timeout.
	 */
	@Test
	void tooManyRequestsFromAnOverloadedServerSpendNoAttempt(CapturedOutput output) throws Exception {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel(OutboxRelay.class.getName(), LogLevel.DEBUG);
		try (NatsServerProcess nats = NatsServerProcess.builder()
			.binary(NatsServerBinary.V2_15)
			.jetStreamConfig("max_buffered_msgs: 1")
			.start()) {
			TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
			OutboxTestSupport.reset(database, nats.url());
			runner(database, nats).run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
					for (int i = 0; i < 300; i++) {
						publisher.publish("orders.created", "burst " + i);
					}
				});
				await().atMost(Duration.ofSeconds(60)).until(() -> countRows(database, "sent") == 300);
				assertThat(output).contains("429 Too Many Requests");
				assertThat(new JdbcTemplate(database.dataSource())
					.queryForObject("SELECT COUNT(*) FROM jetway_outbox WHERE attempts <> 1", Long.class))
					.as("rows whose attempts are not just the successful publish")
					.isZero();
				assertThat(streamCount(nats.url(), "ORDERS")).isEqualTo(300);
			});
		}
		finally {
			logging.setLogLevel(OutboxRelay.class.getName(), null);
		}
	}

	/**
	 * A rejection by the stream spends its attempts, even when its description holds
	 * "503" (here the stream's last message id): it is the server's answer, not its
	 * silence, and no stream without a leader.
	 */
	@Test
	void rejectionsByTheStreamSpendTheirAttempts() throws Exception {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
			OutboxTestSupport.reset(database, nats.url());
			runner(database, nats).run((context) -> {
				try (Connection connection = Nats.connect(nats.url())) {
					Headers headers = new Headers().put(JetwayHeaders.NATS_MSG_ID, "order-503");
					connection.jetStream()
						.publish(NatsMessage.builder().subject("orders.seeded").headers(headers).data("seed").build());
				}
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
					publisher.publish(OutgoingMessage.builder("orders.created", "wrong stream")
						.header("Nats-Expected-Stream", "PAYMENTS")
						.build());
					publisher.publish(OutgoingMessage.builder("orders.created", "wrong last id")
						.header("Nats-Expected-Last-Msg-Id", "order-1")
						.build());
				});
				JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
				await().atMost(Duration.ofSeconds(15)).until(() -> countRows(database, "failed") == 2);
				assertThat(jdbc.queryForList("SELECT attempts FROM jetway_outbox", Integer.class)).containsOnly(2);
				assertThat(jdbc.queryForList("SELECT last_error FROM jetway_outbox ORDER BY last_error", String.class))
					.satisfiesExactly(
							(error) -> assertThat(error).contains("JetStream rejected the message")
								.contains("expected stream does not match"),
							(error) -> assertThat(error).contains("JetStream rejected the message")
								.contains("wrong last msg ID: order-503"));
			});
		}
	}

	/**
	 * A stream's DiscardNew limit answers with JetStream error 10077, whose HTTP-style
	 * code is 503 although it is a permanent rejection of the message ("maximum messages
	 * per subject exceeded"): it spends the message's attempts.
	 */
	@Test
	void aDiscardNewLimitSpendsTheAttemptsAlthoughItsCodeIs503() throws Exception {
		try (NatsServerProcess nats = NatsServerProcess.start()) {
			TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
			OutboxTestSupport.reset(database, nats.url());
			runner(database, nats).run((context) -> {
				context.getBean(Connection.class)
					.jetStreamManagement()
					.addStream(StreamConfiguration.builder()
						.name("LIMITED")
						.subjects("limited.>")
						.storageType(StorageType.Memory)
						.discardPolicy(DiscardPolicy.New)
						.discardNewPerSubject(true)
						.maxMessagesPerSubject(1)
						.build());
				try {
					JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
					TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
					transactions.executeWithoutResult((status) -> publisher.publish("limited.one", "first"));
					await().atMost(Duration.ofSeconds(15)).until(() -> countRows(database, "sent") == 1);
					transactions.executeWithoutResult((status) -> publisher.publish("limited.one", "second"));
					await().atMost(Duration.ofSeconds(15)).until(() -> countRows(database, "failed") == 1);
					JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
					assertThat(jdbc.queryForObject("SELECT last_error FROM jetway_outbox WHERE status = 'failed'",
							String.class))
						.contains("JetStream rejected the message for subject 'limited.one'")
						.contains("(error 10077)");
					assertThat(jdbc.queryForObject("SELECT attempts FROM jetway_outbox WHERE status = 'failed'",
							Integer.class))
						.isEqualTo(2);
				}
				finally {
					context.getBean(Connection.class).jetStreamManagement().deleteStream("LIMITED");
				}
			});
		}
	}

	/**
	 * A subject no stream captures but a core subscriber receives: a silent one leaves
	 * the publish without PubAck, one that answers {@code {}} gives jnats an invalid ack.
	 * Neither is NATS's outage: the relay asks which stream captures the subject and,
	 * none doing so, spends the attempts.
	 */
	@Test
	void aSubjectOnlyCoreSubscribersReceiveSpendsItsAttempts() throws Exception {
		try (NatsServerProcess nats = NatsServerProcess.start(); Connection core = Nats.connect(nats.url())) {
			core.subscribe("audit.>");
			Dispatcher responder = core.createDispatcher(
					(message) -> core.publish(message.getReplyTo(), "{}".getBytes(StandardCharsets.UTF_8)));
			responder.subscribe("echo.>");
			core.flush(Duration.ofSeconds(2));
			TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
			OutboxTestSupport.reset(database, nats.url());
			runner(database, nats).run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
					publisher.publish("audit.x", "to a silent core subscriber");
					publisher.publish("echo.x", "to a core responder");
				});
				await().atMost(Duration.ofSeconds(20)).until(() -> countRows(database, "failed") == 2);
				JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
				assertThat(jdbc.queryForList("SELECT last_error FROM jetway_outbox ORDER BY subject", String.class))
					.satisfiesExactly(
							(error) -> assertThat(error).contains("No JetStream stream captures subject 'audit.x'"),
							(error) -> assertThat(error).contains("No JetStream stream captures subject 'echo.x'"));
			});
		}
	}

	@Test
	void noRespondersForASubjectAStreamCapturesIsAnOutageAndForOneNoStreamCapturesIsNot() throws Exception {
		try (NatsServerProcess nats = NatsServerProcess.start(); Connection connection = Nats.connect(nats.url())) {
			// a real 503 from the server: nothing captures the subject yet
			CompletableFuture<PublishAck> ack = connection.jetStream()
				.publishAsync(NatsMessage.builder().subject("later.created").data("x").build());
			Throwable noResponders = catchThrowable(ack::get);
			assertThat(noResponders).isInstanceOf(ExecutionException.class);
			PublishOutages outages = new PublishOutages(connection);
			assertThat(outages.check().outage("later.created", noResponders)).isNull();
			// the same answer while a stream captures the subject: it had no leader
			connection.jetStreamManagement()
				.addStream(StreamConfiguration.builder()
					.name("LATER")
					.subjects("later.>")
					.storageType(StorageType.Memory)
					.build());
			assertThat(outages.check().outage("later.created", noResponders)).contains("[LATER]")
				.contains("has no leader");
			// JetStream gone altogether: cannot even say which stream captures it
			nats.stop();
			await().atMost(Duration.ofSeconds(5)).until(() -> connection.getStatus() != Connection.Status.CONNECTED);
			assertThat(outages.check().outage("later.created", noResponders)).contains("not connected");
		}
	}

	/**
	 * Pauses or resumes the server process: a paused server keeps its TCP connections but
	 * answers nothing, as an overloaded or partitioned one.
	 */
	private static void signal(NatsServerProcess nats, String signal) throws Exception {
		long pid = ProcessHandle.allProcesses()
			.filter((process) -> process.info()
				.commandLine()
				.map((line) -> line.contains(nats.directory().toString()))
				.orElse(false))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No nats-server process for " + nats.directory()))
			.pid();
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
		assertThat(kill.waitFor()).isZero();
	}

}
