package io.jetway.consumer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.test.net.FaultProxy;
import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static io.jetway.consumer.ConsumerTestSupport.effects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops answering (a blackhole: connections stay open, no byte comes back)
 * while an inbox consumer's handler is inside a statement. The JDBC driver ignores the
 * handler timeout's interrupt, so the handler is given up on; since the database does not
 * answer a probe either, that is an outage, not the handler's failure: the message is
 * held without spending a delivery and handled once when the database is back, never
 * dead-lettered (here max-deliver is 1, so a counted failure would dead-letter it).
 */
class DatabaseBlackholeTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private final FaultProxy proxy = FaultProxy.to("127.0.0.1", 5432);

	@AfterEach
	void closeProxy() {
		this.proxy.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "per-message", "per-batch" })
	void handlerStuckInAStatementOfABlackholedDatabaseSpendsNoDelivery(String transaction) throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		ConsumerTestSupport.reset(database, nats.url());
		String proxiedUrl = this.proxy.through(database.url());
		contextRunner(database, nats.url()).withBean(StallingListener.class)
			.withPropertyValues("spring.datasource.url=" + proxiedUrl,
					"spring.datasource.hikari.connection-timeout=1000",
					"spring.datasource.hikari.validation-timeout=500", "jetway.consumers.stalling.stream=ORDERS",
					"jetway.consumers.stalling.inbox=true", "jetway.consumers.stalling.transaction=" + transaction,
					"jetway.consumers.stalling.concurrency=1", "jetway.consumers.stalling.max-deliver=1",
					"jetway.consumers.stalling.handler-timeout=1s", "jetway.consumers.stalling.backoff=200ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StallingListener listener = context.getBean(StallingListener.class);
				ConsumerTestSupport.publishOrder(nats.url());
				assertThat(listener.inStatement.await(20, TimeUnit.SECONDS)).isTrue();
				this.proxy.blackhole();
				ListenerContainer container = context.getBean(JetStreamListenerRegistry.class).getContainer("stalling");
				await().atMost(Duration.ofSeconds(20)).until(container::isHeldByOutage);
				// held, not dead-lettered, while the database stays silent
				await().during(Duration.ofSeconds(3))
					.atMost(Duration.ofSeconds(5))
					.until(() -> container.isHeldByOutage()
							&& ConsumerTestSupport.streamCount(nats.url(), "JETWAY_DLQ") == 0);
				this.proxy.heal();
				await().atMost(Duration.ofSeconds(30)).until(() -> effects(database) == 1);
				JetStreamManagement management = context.getBean(JetStreamManagement.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> management.getConsumerInfo("ORDERS", "stalling").getNumAckPending() == 0);
				assertThat(ConsumerTestSupport.streamCount(nats.url(), "JETWAY_DLQ")).isZero();
				// handled on its first delivery: the blackhole spent none
				JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
				assertThat(jdbc.queryForList("SELECT note FROM effects", String.class)).containsExactly("1");
				assertThat(container.isHeldByOutage()).isFalse();
			});
	}

	static class StallingListener {

		final CountDownLatch inStatement = new CountDownLatch(1);

		private final AtomicInteger runs = new AtomicInteger();

		private final JdbcTemplate jdbc;

		StallingListener(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@JetStreamListener("stalling")
		void on(byte[] body, MessageContext context) {
			if (this.runs.incrementAndGet() == 1) {
				this.inStatement.countDown();
				// the test blackholes the database during this second
				this.jdbc.queryForObject("SELECT 1 FROM pg_sleep(1)", Integer.class);
			}
			this.jdbc.update("INSERT INTO effects VALUES (?, ?)", context.messageId(),
					Long.toString(context.deliveryCount()));
		}

	}

}
