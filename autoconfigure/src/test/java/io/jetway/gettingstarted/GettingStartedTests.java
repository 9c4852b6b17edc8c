package io.jetway.gettingstarted;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.jetway.gettingstarted.OrderController.OrderPlaced;
import io.jetway.gettingstarted.OrderController.PlaceOrder;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobContext;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The newcomer test: the application of docs/getting-started.md (this package, whose
 * tagged regions the page shows, checked by {@code io.jetway.docs.IncludedSnippetsTests})
 * runs with the page's {@code application.yml} against a real nats-server and PostgreSQL,
 * as a newcomer would start it: an order is placed, its event consumed through the inbox,
 * and the job it enqueues runs. Also the recipes docs/jobs.md (a job handler deduplicated
 * on its job id) and docs/outbox.md (an idempotency key per request) show from these
 * sources.
 */
class GettingStartedTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static ConfigurableApplicationContext context;

	private static JdbcTemplate jdbc;

	@BeforeAll
	static void startTheShop() {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		// the application's own tables (a newcomer's Flyway or Liquibase migration)
		new ResourceDatabasePopulator(new ClassPathResource("gettingstarted/schema.sql"))
			.execute(database.dataSource());
		jdbc = new JdbcTemplate(database.dataSource());
		context = new SpringApplicationBuilder(ShopApplication.class).web(WebApplicationType.NONE)
			.run("--spring.config.location=classpath:gettingstarted/application.yml",
					"--spring.datasource.url=" + database.url(), "--spring.datasource.username=" + database.username(),
					"--spring.datasource.password=" + database.password(), "--jetway.nats.servers=" + nats.url());
	}

	@AfterAll
	static void stopTheShop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void anOrderIsPublishedWithItsCommitConsumedOnceAndItsJobRuns() {
		UUID order = context.getBean(Orders.class).place("ada@example.com", new BigDecimal("49.90"));
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM invoices WHERE order_id = ?", Integer.class, order))
				.isOne();
			assertThat(jdbc.queryForObject(
					"SELECT COUNT(*) FROM outgoing_mail WHERE recipient = ? AND subject = 'Your invoice for order "
							+ order + "'",
					Integer.class, "ada@example.com"))
				.isOne();
		});
		JobStatus job = sendInvoiceJobOf(order);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> context.getBean(JobClient.class)
				.status(job.id())
				.orElseThrow()
				.status() == JobState.COMPLETED);
		JobStatus completed = context.getBean(JobClient.class).status(job.id()).orElseThrow();
		assertThat(completed.attempts()).isOne();
		// a completed job's progress is 1, its last message stays
		assertThat(completed.progress()).isEqualTo(1.0);
		assertThat(completed.progressMessage()).isEqualTo("queueing the invoice mail, attempt 1");
		assertThat(completed.result()).contains("\"mailId\":\"" + job.id() + "\"").contains("\"firstRun\":true");
	}

	@Test
	void aSecondRunOfTheSameJobQueuesNoSecondMail() {
		UUID order = context.getBean(Orders.class).place("grace@example.com", new BigDecimal("12.00"));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM outgoing_mail WHERE recipient = 'grace@example.com'",
					Integer.class) == 1);
		JobStatus job = sendInvoiceJobOf(order);
		// the run after a crash between the handler's commit and the job's completion:
		// the same job id, the next attempt
		InvoiceSent again = context.getBean(InvoiceMailer.class)
			.send(new SendInvoice(order, "grace@example.com"), new RunAgain(job.id()));
		assertThat(again.firstRun()).isFalse();
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outgoing_mail WHERE recipient = 'grace@example.com'",
				Integer.class))
			.isOne();
	}

	@Test
	void aRetriedRequestWithTheSameIdempotencyKeyReturnsTheFirstOrderAndPlacesNoOther() throws Exception {
		OrderController controller = context.getBean(OrderController.class);
		PlaceOrder request = new PlaceOrder("linus@example.com", new BigDecimal("99.99"));
		OrderPlaced first = controller.place("key-1", request);
		OrderPlaced retry = controller.place("key-1", request);
		assertThat(retry).isEqualTo(first);
		// two copies of one request at once: the first holds the key's row
		// uncommitted, the second waits on the key's unique index until the first
		// commits, then returns its order
		CountDownLatch held = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		CompletableFuture<OrderPlaced> one = CompletableFuture.supplyAsync(() -> transaction.execute((status) -> {
			OrderPlaced placed = controller.place("key-2", request);
			held.countDown();
			awaitQuietly(commit);
			return placed;
		}));
		CompletableFuture<OrderPlaced> two;
		try {
			assertThat(held.await(20, TimeUnit.SECONDS)).as("the first request placed its order").isTrue();
			two = CompletableFuture.supplyAsync(() -> controller.place("key-2", request));
			await().atMost(Duration.ofSeconds(20))
				.until(() -> jdbc.queryForObject(
						"SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
								+ "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO order_requests%'",
						Integer.class) == 1);
			assertThat(two).isNotDone();
		}
		finally {
			commit.countDown();
		}
		OrderPlaced placed = one.get(20, TimeUnit.SECONDS);
		assertThat(two.get(20, TimeUnit.SECONDS)).isEqualTo(placed).isNotEqualTo(first);
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM orders WHERE customer_email = 'linus@example.com'",
				Integer.class))
			.isEqualTo(2);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM invoices WHERE order_id IN (?, ?)", Integer.class,
					first.orderId(), placed.orderId()) == 2);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			if (!latch.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The test never let the first request commit");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static JobStatus sendInvoiceJobOf(UUID order) {
		List<JobStatus> jobs = context.getBean(JobClient.class).list("email", null, 0, 100);
		return jobs.stream()
			.filter((job) -> job.payload().contains(order.toString()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no send_invoice job for order " + order + " in " + jobs));
	}

	/** The context of another attempt of a job, for running its handler again. */
	private record RunAgain(UUID id) implements JobContext {

		@Override
		public String type() {
			return "send_invoice";
		}

		@Override
		public String queue() {
			return "email";
		}

		@Override
		public int attempt() {
			return 2;
		}

		@Override
		public void progress(double fraction, String message) {
		}

	}

}
