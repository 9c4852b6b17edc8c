package io.jetway.inbox;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.consumer.ConsumerAutoConfiguration;
import io.jetway.consumer.JetStreamListener;
import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.consumer.MessageContext;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.PublishAutoConfiguration;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.topology.TopologyAutoConfiguration;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-batch inbox transactions with JPA (Hibernate, the sample application's set-up),
 * whose {@link JpaTransactionManager} refuses savepoints: a batch with a failing message
 * still commits every other message once, and the failing handler's entity never.
 */
class PerBatchInboxJpaTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void aFailingMessageLeavesTheRestOfItsBatchCommittedOnce(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		reset(database);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class,
					NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class,
					JetwayJdbcAutoConfiguration.class, OutboxAutoConfiguration.class, PublishAutoConfiguration.class,
					InboxAutoConfiguration.class, ConsumerAutoConfiguration.class))
			.withUserConfiguration(EntityPackage.class, JpaListener.class)
			.withPropertyValues("spring.datasource.url=" + database.url(),
					"spring.datasource.username=" + database.username(),
					"spring.datasource.password=" + database.password(), "spring.jpa.hibernate.ddl-auto=create-drop",
					"jetway.nats.servers=" + nats.url(), "jetway.jdbc.initialize-schema=always",
					"jetway.topology.streams.ORDERS.subjects=orders.>", "jetway.listener.shutdown-timeout=5s",
					"jetway.consumers.jpa.stream=ORDERS", "jetway.consumers.jpa.inbox=true",
					"jetway.consumers.jpa.transaction=per-batch", "jetway.consumers.jpa.batch-size=20",
					"jetway.consumers.jpa.backoff=200ms", "jetway.consumers.jpa.max-deliver=20",
					"jetway.consumers.jpa.auto-startup=false")
			.run((context) -> {
				assertThat(context.getBean(PlatformTransactionManager.class)).isInstanceOf(JpaTransactionManager.class);
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
					for (int i = 0; i < 10; i++) {
						publisher.publish("orders.created", (i == 4) ? "poison" : "ok-" + i);
					}
				});
				JetStreamManagement management = context.getBean(JetStreamManagement.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> management.getStreamInfo("ORDERS").getStreamState().getMsgCount() == 10);
				context.getBean(JetStreamListenerRegistry.class).getContainer("jpa").resume();
				JpaListener listener = context.getBean(JpaListener.class);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> effects(database) == 9 && listener.poisonCalls.get() >= 3);
				assertThat(effects(database)).isEqualTo(9);
				// the poison message cost the others no delivery
				assertThat(listener.goodRedelivered).isEmpty();
				Long distinct = new JdbcTemplate(database.dataSource())
					.queryForObject("SELECT COUNT(DISTINCT body) FROM batch_effect", Long.class);
				assertThat(distinct).isEqualTo(9);
				// only the poison message is still waiting for a redelivery
				await().atMost(Duration.ofSeconds(5))
					.until(() -> management.getConsumerInfo("ORDERS", "jpa").getNumAckPending() <= 1);
			});
	}

	private static void reset(TestDatabaseInstance database) throws IOException, InterruptedException {
		JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
		for (String table : new String[] { "jetway_inbox", "jetway_outbox" }) {
			try {
				jdbc.update("DELETE FROM " + table);
			}
			catch (RuntimeException ex) {
				// created by the first context
			}
		}
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement management = connection.jetStreamManagement();
			for (String stream : management.getStreamNames()) {
				management.deleteStream(stream);
			}
		}
		catch (JetStreamApiException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long effects(TestDatabaseInstance database) {
		try {
			Long count = new JdbcTemplate(database.dataSource()).queryForObject("SELECT COUNT(*) FROM batch_effect",
					Long.class);
			return (count != null) ? count : 0;
		}
		catch (RuntimeException ex) {
			return 0;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EntityScan(basePackageClasses = PerBatchInboxJpaTests.class)
	static class EntityPackage {

	}

	static class JpaListener {

		final AtomicInteger poisonCalls = new AtomicInteger();

		final Set<String> goodRedelivered = ConcurrentHashMap.newKeySet();

		private final EntityManager entityManager;

		JpaListener(EntityManagerFactory entityManagerFactory) {
			this.entityManager = SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory);
		}

		@JetStreamListener("jpa")
		void on(String body, MessageContext context) {
			this.entityManager.persist(new BatchEffect(context.messageId(), body));
			if (!body.equals("poison") && context.deliveryCount() > 1) {
				this.goodRedelivered.add(body);
			}
			if (body.equals("poison")) {
				this.poisonCalls.incrementAndGet();
				throw new IllegalStateException("poison, after persisting");
			}
		}

	}

	@Entity(name = "BatchEffect")
	@Table(name = "batch_effect")
	public static class BatchEffect {

		@Id
		private String messageId;

		private String body;

		protected BatchEffect() {
		}

		BatchEffect(String messageId, String body) {
			this.messageId = messageId;
			this.body = body;
		}

		public String getMessageId() {
			return this.messageId;
		}

		public String getBody() {
			return this.body;
		}

	}

}
