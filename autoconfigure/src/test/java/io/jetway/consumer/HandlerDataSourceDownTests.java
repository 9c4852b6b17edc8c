package io.jetway.consumer;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static io.jetway.consumer.ConsumerTestSupport.effects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler whose own second data source is down fails like any handler (redelivered,
 * then dead-lettered) while the inbox's database works: it is not held as a database
 * outage, and the consumer goes on with other messages.
 */
class HandlerDataSourceDownTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@ParameterizedTest
	@ValueSource(strings = { "per-message", "per-batch" })
	void handlerWhoseSecondDataSourceIsDownIsDeadLetteredAndOthersAreHandled(String transaction) throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.H2);
		ConsumerTestSupport.reset(database, nats.url());
		contextRunner(database, nats.url()).withUserConfiguration(SecondDataSourceListener.class)
			.withPropertyValues("jetway.consumers.second.stream=ORDERS", "jetway.consumers.second.inbox=true",
					"jetway.consumers.second.transaction=" + transaction, "jetway.consumers.second.concurrency=1",
					"jetway.consumers.second.max-deliver=2", "jetway.consumers.second.backoff=200ms")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				publisher.publish("orders.reported", "{}");
				SecondDataSourceListener listener = context.getBean(SecondDataSourceListener.class);
				await().atMost(Duration.ofSeconds(15))
					.until(() -> ConsumerTestSupport.streamCount(nats.url(), "JETWAY_DLQ") == 1);
				for (int i = 0; i < 5; i++) {
					publisher.publish("orders.created", "{}");
				}
				await().atMost(Duration.ofSeconds(15)).until(() -> effects(database) == 5);
				assertThat(listener.reports.get()).isEqualTo(2);
				DeadLetter deadLetter = context.getBean(DeadLetters.class).list(10).get(0);
				assertThat(deadLetter.exception()).contains("CannotGetJdbcConnectionException");
			});
	}

	static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static class SecondDataSourceListener {

		final AtomicInteger reports = new AtomicInteger();

		private final JdbcTemplate jdbc;

		private final JdbcTemplate reporting = new JdbcTemplate(
				new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:" + closedPort() + "/reports", "x", "x"));

		SecondDataSourceListener(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@JetStreamListener("second")
		void on(String body, MessageContext context) {
			if (context.subject().equals("orders.reported")) {
				this.reports.incrementAndGet();
				this.reporting.update("INSERT INTO reports VALUES (1)");
			}
			this.jdbc.update("INSERT INTO effects VALUES (?, ?)", context.messageId(), "ok");
		}

	}

}
