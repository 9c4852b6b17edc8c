package io.jetway.outbox;

import java.time.Duration;

import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
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
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.outbox.OutboxTestSupport.contextRunner;
import static io.jetway.outbox.OutboxTestSupport.countRows;
import static io.jetway.outbox.OutboxTestSupport.streamCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * A JPA transaction that saves an entity and publishes an event commits both or neither.
 */
class JpaOutboxTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void entityAndEventCommitOrRollBackTogether(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		OutboxTestSupport.reset(database, nats.url());
		contextRunner(database, nats.url())
			.withConfiguration(AutoConfigurations.of(HibernateJpaAutoConfiguration.class))
			.withUserConfiguration(EntityPackage.class)
			.withPropertyValues("spring.jpa.hibernate.ddl-auto=create-drop")
			.run((context) -> {
				PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
				assertThat(transactionManager).isInstanceOf(JpaTransactionManager.class);
				TransactionTemplate transactions = new TransactionTemplate(transactionManager);
				EntityManager entityManager = SharedEntityManagerCreator
					.createSharedEntityManager(context.getBean(EntityManagerFactory.class));
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);

				transactions.executeWithoutResult((status) -> {
					entityManager.persist(new PurchaseOrder(1L));
					publisher.publish("orders.created", "order 1");
				});
				assertThatIllegalStateException().isThrownBy(() -> transactions.executeWithoutResult((status) -> {
					entityManager.persist(new PurchaseOrder(2L));
					publisher.publish("orders.created", "order 2");
					throw new IllegalStateException("payment declined");
				}));

				await().atMost(Duration.ofSeconds(5)).until(() -> streamCount(nats.url(), "ORDERS") == 1);
				Long orders = transactions
					.execute((status) -> entityManager.createQuery("select count(o) from PurchaseOrder o", Long.class)
						.getSingleResult());
				assertThat(orders).isEqualTo(1);
				assertThat(countRows(database, "sent")).isEqualTo(1);
				assertThat(countRows(database, "pending")).isZero();
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EntityScan(basePackageClasses = JpaOutboxTests.class)
	static class EntityPackage {

	}

	@Entity(name = "PurchaseOrder")
	@Table(name = "purchase_order")
	public static class PurchaseOrder {

		@Id
		private Long id;

		protected PurchaseOrder() {
		}

		PurchaseOrder(Long id) {
			this.id = id;
		}

		public Long getId() {
			return this.id;
		}

	}

}
