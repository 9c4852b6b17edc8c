package io.jetway.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.consumer.ConsumerAutoConfiguration;
import io.jetway.consumer.JetStreamListener;
import io.jetway.consumer.NonRetryableException;
import io.jetway.inbox.InboxAutoConfiguration;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.jobs.JobHandler;
import io.jetway.jobs.JobsAutoConfiguration;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.publish.PublishAutoConfiguration;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerProcess;
import io.jetway.topology.TopologyAutoConfiguration;
import io.jetway.webhook.WebhookAutoConfiguration;
import io.nats.client.Connection;
import io.nats.client.Nats;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the health and endpoint tests share: Jetway with every capability on a test
 * database and a private NATS server, an ORDERS stream with the {@code orders-handler}
 * listener, and a {@code report} job handler on the {@code reports} queue.
 */
final class ActuateTestSupport {

	static final List<Class<?>> JETWAY = List.of(DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, NatsConnectionAutoConfiguration.class,
			TopologyAutoConfiguration.class, JetwayJdbcAutoConfiguration.class, OutboxAutoConfiguration.class,
			PublishAutoConfiguration.class, InboxAutoConfiguration.class, ConsumerAutoConfiguration.class,
			WebhookAutoConfiguration.class, JobsAutoConfiguration.class);

	private ActuateTestSupport() {
	}

	static ApplicationContextRunner contextRunner(TestDatabaseInstance database, NatsServerProcess nats) {
		List<Class<?>> configurations = new ArrayList<>(JETWAY);
		configurations.add(JetwayHealthAutoConfiguration.class);
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(configurations.toArray(Class<?>[]::new)))
			.withUserConfiguration(OrdersListener.class, ReportJobs.class)
			.withPropertyValues(properties(database, nats));
	}

	static String[] properties(TestDatabaseInstance database, NatsServerProcess nats) {
		return new String[] { "spring.datasource.url=" + database.url(),
				"spring.datasource.username=" + database.username(),
				"spring.datasource.password=" + database.password(), "jetway.nats.servers=" + nats.url(),
				"jetway.nats.reconnect-wait=100ms", "jetway.nats.max-reconnects=-1",
				"jetway.jdbc.initialize-schema=always", "jetway.topology.streams.ORDERS.subjects=orders.>",
				"jetway.consumers.orders-handler.stream=ORDERS", "jetway.consumers.orders-handler.max-deliver=1",
				"jetway.outbox.relay.poll-interval=100ms", "jetway.jobs.poll-interval=100ms",
				"jetway.jobs.queues.reports.max-attempts=1", "jetway.listener.shutdown-timeout=5s",
				// the PostgreSQL cluster is shared: another's open transaction must not
				// degrade these tests
				"jetway.health.jobs.max-dispatch-recovery-held-back=1h" };
	}

	/**
	 * @param databases the test class's databases
	 * @return its PostgreSQL database with Jetway's tables emptied
	 */
	static TestDatabaseInstance emptyPostgres(TestDatabasesExtension databases) {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		reset(database);
		return database;
	}

	/**
	 * Empties Jetway's tables, so each test starts clean (the NATS server is private to
	 * the test).
	 */
	static void reset(TestDatabaseInstance database) {
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		for (String table : new String[] { "jetway_jobs", "jetway_outbox", "jetway_inbox", "jetway_job_queues",
				"jetway_job_schedules", "jetway_job_dispatch" }) {
			try {
				jdbc.update("DELETE FROM " + table);
			}
			catch (RuntimeException ex) {
				// created by the first context
			}
		}
		OrdersListener.failing = false;
		OrdersListener.handled.clear();
		ReportJobs.failing = true;
	}

	static void publish(NatsServerProcess nats, String subject, String body, int times) throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			for (int i = 0; i < times; i++) {
				connection.jetStream().publish(subject, body.getBytes());
			}
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	/**
	 * Handles {@code orders.>}: records each body, or fails without retry while
	 * {@link #failing} (so the message is dead-lettered).
	 */
	static class OrdersListener {

		static volatile boolean failing;

		static final List<String> handled = new CopyOnWriteArrayList<>();

		@JetStreamListener("orders-handler")
		void on(String body) {
			if (failing) {
				throw new NonRetryableException("failing on purpose: " + body);
			}
			handled.add(body);
		}

	}

	/**
	 * Jobs of type {@code report} on the {@code reports} queue; a payload {@code "fail"}
	 * fails while {@link #failing} (one attempt on that queue).
	 */
	static class ReportJobs {

		static volatile boolean failing = true;

		@JobHandler(type = "report", queue = "reports")
		String report(String payload) {
			if (failing && payload.contains("fail")) {
				throw new IllegalStateException("report failed on purpose");
			}
			return "done";
		}

	}

}
