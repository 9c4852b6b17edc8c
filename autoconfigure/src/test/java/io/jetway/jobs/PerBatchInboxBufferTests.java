package io.jetway.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.consumer.JetStreamListener;
import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.jobs.JobsTests.TestHandlers;
import io.jetway.jobs.JobsTests.TestHandlers.Greeting;
import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static io.jetway.jobs.TransactionBufferTests.jobRows;
import static io.jetway.jobs.TransactionBufferTests.orders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A per-batch inbox transaction rolls a failing handler back to its savepoint: the
 * messages it published and the jobs it enqueued before throwing go with it, while the
 * other handlers' messages and jobs commit once.
 */
class PerBatchInboxBufferTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@BeforeEach
	void clearHandlers() {
		TestHandlers.reset();
		BatchListener.calls.clear();
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void aHandlerRolledBackToItsSavepointLeavesNoMessageAndNoJob(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		JobsTests.reset(database, nats.url());
		try {
			new JdbcTemplate(database.dataSource()).update("DELETE FROM jetway_inbox");
		}
		catch (RuntimeException ex) {
			// created by the first context
		}
		TransactionBufferTests.runner(database, nats.url())
			.withUserConfiguration(BatchListener.class)
			.withPropertyValues("jetway.consumers.batcher.stream=ORDERS",
					"jetway.consumers.batcher.filter-subject=orders.created", "jetway.consumers.batcher.inbox=true",
					"jetway.consumers.batcher.transaction=per-batch", "jetway.consumers.batcher.batch-size=10",
					"jetway.consumers.batcher.backoff=200ms", "jetway.consumers.batcher.max-deliver=20",
					"jetway.consumers.batcher.auto-startup=false")
			.run((context) -> {
				JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
				context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
					publisher.publish("orders.created", "ok");
					publisher.publish("orders.created", "throws");
					publisher.publish("orders.created", "publishes-then-throws");
				});
				await().atMost(Duration.ofSeconds(10)).until(() -> orders(nats.url()).size() == 3);
				context.getBean(JetStreamListenerRegistry.class).getContainer("batcher").resume();
				// the first batch holds all three: "throws" fails the run without
				// savepoints,
				// the rerun gives each message a savepoint; then the two failing messages
				// come back together, and again "throws" fails first
				await().atMost(Duration.ofSeconds(20)).until(() -> BatchListener.calls("publishes-then-throws") >= 3);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> TestHandlers.greeted.contains("job of ok") && orders(nats.url()).size() >= 4);
				assertThat(orders(nats.url())).containsExactly("orders.created ok", "orders.created throws",
						"orders.created publishes-then-throws", "orders.handled from ok");
				assertThat(TestHandlers.greeted).containsExactly("job of ok");
				assertThat(jobRows(database)).isEqualTo(1);
				// the first run of "ok" was rolled back with its batch
				assertThat(BatchListener.calls("ok")).isEqualTo(2);
			});
	}

	static class BatchListener {

		static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

		private final JetwayPublisher publisher;

		private final JobClient jobs;

		BatchListener(JetwayPublisher publisher, JobClient jobs) {
			this.publisher = publisher;
			this.jobs = jobs;
		}

		static int calls(String body) {
			AtomicInteger count = calls.get(body);
			return (count != null) ? count.get() : 0;
		}

		@JetStreamListener("batcher")
		void on(String body) {
			calls.computeIfAbsent(body, (key) -> new AtomicInteger()).incrementAndGet();
			switch (body) {
				case "ok" -> {
					this.publisher.publish("orders.handled", "from ok");
					this.jobs.enqueue("greet", new Greeting("job of ok"));
				}
				case "throws" -> throw new IllegalStateException("fails before publishing");
				default -> {
					this.publisher.publish("orders.handled", "from " + body);
					this.jobs.enqueue("greet", new Greeting("job of " + body));
					throw new IllegalStateException("fails after publishing");
				}
			}
		}

	}

}
