package io.jetway.outbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.publish.PublishAutoConfiguration;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.topology.TopologyAutoConfiguration;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfo;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the outbox tests share: an application context with Jetway on a test database and
 * a private NATS server with an ORDERS stream, and readers for what reached the stream
 * and the table.
 */
final class OutboxTestSupport {

	static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
			JacksonAutoConfiguration.class, NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class, JetwayJdbcAutoConfiguration.class, OutboxAutoConfiguration.class,
			PublishAutoConfiguration.class);

	private OutboxTestSupport() {
	}

	static ApplicationContextRunner contextRunner(TestDatabaseInstance database, String natsUrl) {
		return new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS)
			.withPropertyValues("spring.datasource.url=" + database.url(),
					"spring.datasource.username=" + database.username(),
					"spring.datasource.password=" + database.password(), "jetway.nats.servers=" + natsUrl,
					"jetway.jdbc.initialize-schema=always", "jetway.topology.streams.ORDERS.subjects=orders.>",
					"jetway.outbox.relay.poll-interval=100ms", "jetway.outbox.relay.recovery-delay=2s");
	}

	/**
	 * Deletes every stream and empties the outbox table, so each test starts clean.
	 */
	static void reset(TestDatabaseInstance database, String natsUrl) throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		try {
			jdbc.update("DELETE FROM jetway_outbox");
		}
		catch (RuntimeException ex) {
			// the table does not exist before the first context created it
		}
		try (Connection connection = Nats.connect(natsUrl)) {
			JetStreamManagement management = connection.jetStreamManagement();
			for (String stream : management.getStreamNames()) {
				management.deleteStream(stream);
			}
		}
	}

	static List<MessageInfo> streamMessages(String natsUrl, String stream) {
		try (Connection connection = Nats.connect(natsUrl)) {
			JetStreamManagement management = connection.jetStreamManagement();
			StreamInfo info = management.getStreamInfo(stream);
			List<MessageInfo> messages = new ArrayList<>();
			for (long seq = info.getStreamState().getFirstSequence(); seq <= info.getStreamState()
				.getLastSequence(); seq++) {
				if (info.getStreamState().getMsgCount() == 0) {
					break;
				}
				try {
					messages.add(management.getMessage(stream, seq));
				}
				catch (JetStreamApiException ex) {
					// deleted message
				}
			}
			return messages;
		}
		catch (IOException | JetStreamApiException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static long streamCount(String natsUrl, String stream) {
		try (Connection connection = Nats.connect(natsUrl)) {
			return connection.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
		}
		catch (IOException | JetStreamApiException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static long countRows(TestDatabaseInstance database, String status) {
		Long count = new JdbcTemplate(database.dataSource())
			.queryForObject("SELECT COUNT(*) FROM jetway_outbox WHERE status = ?", Long.class, status);
		return (count != null) ? count : 0;
	}

}
