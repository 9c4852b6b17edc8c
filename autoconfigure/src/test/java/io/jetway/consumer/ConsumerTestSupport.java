package io.jetway.consumer;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.inbox.InboxAutoConfiguration;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.publish.JetwayHeaders;
import io.jetway.publish.PublishAutoConfiguration;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.topology.TopologyAutoConfiguration;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the consumer tests share: Jetway with a database and a private NATS server, an
 * ORDERS stream, and an {@code effects} table handlers write to.
 */
final class ConsumerTestSupport {

	static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, NatsConnectionAutoConfiguration.class,
			TopologyAutoConfiguration.class, JetwayJdbcAutoConfiguration.class, OutboxAutoConfiguration.class,
			PublishAutoConfiguration.class, InboxAutoConfiguration.class, ConsumerAutoConfiguration.class);

	private ConsumerTestSupport() {
	}

	static ApplicationContextRunner contextRunner(TestDatabaseInstance database, String natsUrl) {
		return new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS)
			.withPropertyValues("spring.datasource.url=" + database.url(),
					"spring.datasource.username=" + database.username(),
					"spring.datasource.password=" + database.password(), "jetway.nats.servers=" + natsUrl,
					"jetway.jdbc.initialize-schema=always", "jetway.topology.streams.ORDERS.subjects=orders.>",
					"jetway.listener.shutdown-timeout=5s");
	}

	/**
	 * Deletes every stream and empties Jetway's and the test's tables.
	 */
	static void reset(TestDatabaseInstance database, String natsUrl) throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		jdbc.execute("CREATE TABLE IF NOT EXISTS effects (message_id VARCHAR(255), note VARCHAR(255))");
		jdbc.update("DELETE FROM effects");
		for (String table : new String[] { "jetway_inbox", "jetway_outbox" }) {
			try {
				jdbc.update("DELETE FROM " + table);
			}
			catch (RuntimeException ex) {
				// created by the first context
			}
		}
		try (Connection connection = Nats.connect(natsUrl)) {
			JetStreamManagement management = connection.jetStreamManagement();
			for (String stream : management.getStreamNames()) {
				management.deleteStream(stream);
			}
		}
	}

	static long effects(TestDatabaseInstance database) {
		Long count = new JdbcTemplate(database.dataSource()).queryForObject("SELECT COUNT(*) FROM effects", Long.class);
		return (count != null) ? count : 0;
	}

	static long inboxRows(TestDatabaseInstance database, String status) {
		Long count = new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT COUNT(*) FROM jetway_inbox WHERE status = ?", Long.class, status);
		return (count != null) ? count : 0;
	}

	/**
	 * Publishes an empty JSON order to {@code orders.created} with a new message id.
	 */
	static void publishOrder(String natsUrl) throws Exception {
		try (Connection connection = Nats.connect(natsUrl)) {
			Headers headers = new Headers().put(JetwayHeaders.NATS_MSG_ID, UUID.randomUUID().toString());
			connection.jetStream()
				.publish(NatsMessage.builder()
					.subject("orders.created")
					.headers(headers)
					.data("{}".getBytes(StandardCharsets.UTF_8))
					.build());
		}
	}

	/**
	 * The real {@link JetStreamManagement}, showing every call's method name to
	 * {@code before} first, which may record it or throw in its place.
	 */
	static JetStreamManagement watched(JetStreamManagement management, CallWatcher before) {
		return (JetStreamManagement) Proxy.newProxyInstance(JetStreamManagement.class.getClassLoader(),
				new Class<?>[] { JetStreamManagement.class }, (proxy, method, arguments) -> {
					before.call(method.getName());
					try {
						return method.invoke(management, arguments);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	static long streamCount(String natsUrl, String stream) {
		try (Connection connection = Nats.connect(natsUrl)) {
			return connection.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
		}
		catch (IOException | JetStreamApiException | InterruptedException ex) {
			return 0;
		}
	}

	/**
	 * Sees a call of a {@link #watched(JetStreamManagement, CallWatcher) watched}
	 * {@link JetStreamManagement} before it is made.
	 */
	@FunctionalInterface
	interface CallWatcher {

		void call(String method) throws Exception;

	}

}
