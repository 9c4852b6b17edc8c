package io.jetway.sample;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.jobs.JobWebhookUrlValidator;
import io.jetway.sample.Api.Response;
import io.jetway.sample.api.EnqueueRateLimiter;
import io.jetway.sample.api.RateLimitedException;
import io.jetway.sample.api.Tenant;
import io.jetway.sample.api.Tier;
import io.jetway.sample.api.WebhookUrls;
import io.jetway.sample.nats.EmbeddedNatsFallback;
import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The orders flow on PostgreSQL and a private nats-server: an order and its event commit
 * together, the inbox listener creates the invoice and enqueues the e-mail job, an order
 * that always fails invoicing ends in the dead-letter stream, and the nightly schedule is
 * registered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.test.database=POSTGRESQL", "sample.api.keys.acme-dev.key=" + OrdersFlowTests.KEY,
				"sample.api.keys.globex-prod.key=" + OrdersFlowTests.OTHER_KEY })
@Import(SampleTestInfrastructure.class)
class OrdersFlowTests {

	static final String KEY = "test-key-orders";

	/** Another project's key. */
	static final String OTHER_KEY = "test-key-orders-other";

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JetStreamManagement management;

	@Autowired
	JobWebhookUrlValidator webhookUrls;

	@Autowired
	EmbeddedNatsFallback embeddedNats;

	@Autowired
	EnqueueRateLimiter rateLimiter;

	@Autowired
	PlatformTransactionManager transactionManager;

	Api api;

	@BeforeEach
	void client() {
		this.api = new Api(this.port);
	}

	@Test
	void orderIsInvoicedAndItsEmailSent() throws Exception {
		long ordersBefore = this.management.getStreamInfo("ORDERS").getStreamState().getMsgCount();
		Response placed = this.api.post("/orders", KEY,
				"{\"customer_email\":\"ada@example.com\",\"item\":\"keyboard\",\"amount\":49.90}");
		assertThat(placed.status()).isEqualTo(201);
		UUID orderId = UUID.fromString(placed.text("id"));
		assertThat(placed.headers().getLocation()).hasToString("/orders/" + orderId);

		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(
					() -> assertThat(this.api.get("/orders/" + orderId, KEY).body().at("/email_job/status").asString())
						.isEqualTo("completed"));
		Response shown = this.api.get("/orders/" + orderId, KEY);
		assertThat(shown.body().at("/order/customer_email").asString()).isEqualTo("ada@example.com");
		assertThat(shown.body().at("/order/amount").decimalValue()).isEqualByComparingTo("49.90");
		assertThat(shown.body().at("/invoice/amount").decimalValue()).isEqualByComparingTo("49.90");
		assertThat(shown.body().at("/email_job/result")).isEqualTo(Api.json("{\"sent\":true}"));
		assertThat(shown.body().path("dead_letter").isNull()).isTrue();

		assertThat(this.jdbc.queryForObject("select count(*) from orders where id = ?", Integer.class, orderId))
			.isOne();
		Map<String, Object> invoice = this.jdbc.queryForMap("select id, email_job_id from invoices where order_id = ?",
				orderId);
		UUID jobId = (UUID) invoice.get("email_job_id");
		assertThat(jobId.toString()).isEqualTo(shown.body().at("/invoice/email_job_id").asString());
		assertThat(this.jdbc.queryForMap("select type, queue, status, payload from jetway_jobs where id = ?", jobId))
			.containsEntry("type", "send_email")
			.containsEntry("queue", "email")
			.containsEntry("status", "completed");
		assertThat(Api.json(
				(String) this.jdbc.queryForObject("select payload from jetway_jobs where id = ?", String.class, jobId)))
			.isEqualTo(Api.json("{\"to\":\"ada@example.com\",\"template\":\"invoice\",\"invoice_id\":\""
					+ invoice.get("id") + "\",\"order_id\":\"" + orderId + "\"}"));
		// the event went through the outbox, and the listener's inbox row is there
		assertThat(this.jdbc.queryForObject(
				"select count(*) from jetway_outbox where subject = 'orders.created' and status = 'sent'",
				Integer.class))
			.isPositive();
		assertThat(this.jdbc.queryForObject(
				"select count(*) from jetway_inbox where consumer = 'invoice-generator' and status = 'processed'",
				Integer.class))
			.isPositive();
		assertThat(this.management.getStreamInfo("ORDERS").getStreamState().getMsgCount()).isEqualTo(ordersBefore + 1);
	}

	@Test
	void orderThatAlwaysFailsInvoicingIsDeadLettered() {
		String orderId = placeDeadLetteredOrder("bob@example.com");
		Response shown = this.api.get("/orders/" + orderId, KEY);
		assertThat(shown.body().path("invoice").isNull()).isTrue();
		assertThat(shown.body().path("email_job").isNull()).isTrue();
		assertThat(shown.body().at("/dead_letter/consumer").asString()).isEqualTo("invoice-generator");
		assertThat(shown.body().at("/dead_letter/subject").asString()).isEqualTo("orders.created");
		assertThat(shown.body().at("/dead_letter/deliveries").asLong()).isEqualTo(3);
		assertThat(shown.body().at("/dead_letter/error").asString())
			.startsWith("The tax service refuses to invoice item 'unbillable' (order " + orderId);
		assertThat(this.jdbc.queryForObject("select count(*) from invoices where order_id = ?", Integer.class,
				UUID.fromString(orderId)))
			.isZero();
		Response deadLetters = this.api.get("/orders/dead-letters", KEY);
		assertThat(deadLetters.body().findValuesAsString("error")).anyMatch((error) -> error.contains(orderId));
		assertThat(deadLetters.body().findValuesAsString("order_id")).contains(orderId);
		assertThat(deadLetters.body().findValues("body")).isEmpty();
	}

	@Test
	void anotherProjectSeesNeitherTheOrderNorItsDeadLetter() {
		String orderId = placeDeadLetteredOrder("eve@example.com");
		Response foreign = this.api.get("/orders/" + orderId, OTHER_KEY);
		assertThat(foreign.status()).isEqualTo(404);
		assertThat(foreign.text("error")).isEqualTo("Order " + orderId + " not found");
		Response foreignDeadLetters = this.api.get("/orders/dead-letters", OTHER_KEY);
		assertThat(foreignDeadLetters.status()).isEqualTo(200);
		assertThat(foreignDeadLetters.body().toString()).doesNotContain(orderId);
		assertThat(this.api.get("/orders/dead-letters", KEY).body().toString()).contains(orderId);
		assertThat(this.jdbc.queryForObject("select project_id || '/' || environment_id from orders where id = ?",
				String.class, UUID.fromString(orderId)))
			.isEqualTo("acme/dev");
	}

	@Test
	void orderWithAWebhookUrlGoesThroughTheValidator() {
		String url = "https://shop.example.com/hooks/email";
		String refusal;
		try {
			this.webhookUrls.validate(url);
			refusal = null;
		}
		catch (IllegalArgumentException ex) {
			refusal = ex.getMessage();
		}
		int ordersBefore = this.jdbc.queryForObject("select count(*) from orders", Integer.class);
		Response placed = this.api.post("/orders", KEY, "{\"customer_email\":\"cy@example.com\",\"item\":\"mouse\","
				+ "\"amount\":19.5,\"webhook_url\":\"" + url + "\"}");
		if (refusal != null) {
			// the tests' resolver knows no public name: a generic refusal, not the
			// resolver's error
			assertThat(placed.status()).isEqualTo(400);
			assertThat(placed.text("field")).isEqualTo("webhook_url");
			assertThat(placed.text("error")).isEqualTo(WebhookUrls.REFUSED_BY_DNS);
			assertThat(this.jdbc.queryForObject("select count(*) from orders", Integer.class)).isEqualTo(ordersBefore);
		}
		else {
			assertThat(placed.status()).isEqualTo(201);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(this.api.get("/orders/" + placed.text("id"), KEY)
					.body()
					.at("/email_job/webhook_url")
					.asString()).isEqualTo(url));
		}
	}

	@Test
	void badOrdersAreRefused() {
		Response noEmail = this.api.post("/orders", KEY, "{\"item\":\"x\",\"amount\":1}");
		assertThat(noEmail.status()).isEqualTo(400);
		assertThat(noEmail.text("field")).isEqualTo("customer_email");
		Response negative = this.api.post("/orders", KEY,
				"{\"customer_email\":\"a@example.com\",\"item\":\"x\",\"amount\":-1}");
		assertThat(negative.status()).isEqualTo(400);
		assertThat(negative.text("field")).isEqualTo("amount");
		assertThat(this.api.get("/orders/" + UUID.randomUUID(), KEY).status()).isEqualTo(404);
		assertRefused(
				this.api.post("/orders", KEY, "{\"customer_email\":\"a@example.com\",\"item\":\"x\",\"amount\":0.001}"),
				"amount", "'amount' must be at least 0.01 with at most 2 decimals, was 0.001");
		assertRefused(
				this.api.post("/orders", KEY, "{\"customer_email\":\"a@example.com\",\"item\":\"x\",\"amount\":1.999}"),
				"amount", "'amount' must be at least 0.01 with at most 2 decimals, was 1.999");
		int ordersBefore = this.jdbc.queryForObject("select count(*) from orders", Integer.class);
		assertRefused(
				this.api.post("/orders", KEY,
						"{\"customer_email\":\"a@example.com\",\"item\":\"" + "x".repeat(300) + "\",\"amount\":1}"),
				"item", "'item' is 300 characters long; the limit is 200");
		assertRefused(
				this.api.post("/orders", KEY, "{\"customer_email\":\"a@example.com\",\"item\":\"x\",\"amount\":1e20}"),
				"amount", "'amount' must be at most 9999999999.99, was 100000000000000000000");
		assertRefused(this.api.post("/orders", KEY,
				"{\"customer_email\":\"a@example.com\",\"item\":\"x\"," + "\"amount\":1,\"webhook_url\":\"https://"
						+ SampleTestInfrastructure.INTRANET_HOST + "/hook\"}"),
				"webhook_url", WebhookUrls.REFUSED_BY_DNS);
		assertRefused(this.api.get("/orders/not%2Fan-id", KEY), "id", "'not/an-id' is not a valid id (UUID)");
		assertThat(this.jdbc.queryForObject("select count(*) from orders", Integer.class)).isEqualTo(ordersBefore);
	}

	@Test
	void ordersNeedAnApiKey() {
		Response anonymous = this.api.post("/orders", null,
				"{\"customer_email\":\"a@example.com\",\"item\":\"x\",\"amount\":1}");
		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(anonymous.text("error")).startsWith("Missing API key");
		assertThat(this.api.get("/orders/dead-letters", "wrong-key").status()).isEqualTo(401);
		assertThat(this.api.get("/orders/" + UUID.randomUUID(), null).status()).isEqualTo(401);
	}

	/**
	 * Two instances' limiters on one PostgreSQL database, racing from two threads: the
	 * limit holds in total.
	 */
	@Test
	void enqueueLimitHoldsAcrossInstancesOnPostgresql() throws Exception {
		EnqueueRateLimiter[] instances = { this.rateLimiter,
				new EnqueueRateLimiter(this.jdbc, this.transactionManager) };
		Tenant tenant = new Tenant("racing", "test", Tier.FREE, Set.of(), "racing");
		AtomicInteger allowed = new AtomicInteger();
		AtomicInteger limited = new AtomicInteger();
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int thread = 0; thread < 4; thread++) {
				EnqueueRateLimiter limiter = instances[thread % 2];
				runs.add(threads.submit(() -> {
					for (int i = 0; i < 15; i++) {
						try {
							limiter.acquire(tenant);
							allowed.incrementAndGet();
						}
						catch (RateLimitedException ex) {
							limited.incrementAndGet();
						}
					}
				}));
			}
			for (Future<?> run : runs) {
				run.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(allowed.get()).isEqualTo(20);
		assertThat(limited.get()).isEqualTo(40);
		assertThat(this.jdbc.queryForObject("select enqueues from atlas_enqueue_limits where project_id = 'racing'",
				Integer.class))
			.isEqualTo(20);
		this.jdbc.update("delete from atlas_enqueue_limits where project_id = 'racing'");
	}

	/**
	 * @return the id of an order that always fails invoicing, once it is dead-lettered
	 */
	private String placeDeadLetteredOrder(String email) {
		Response placed = this.api.post("/orders", KEY,
				"{\"customer_email\":\"" + email + "\",\"item\":\"unbillable\",\"amount\":5}");
		assertThat(placed.status()).isEqualTo(201);
		String orderId = placed.text("id");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.api.get("/orders/" + orderId, KEY).body().path("dead_letter").isNull())
				.isFalse());
		return orderId;
	}

	private static void assertRefused(Response response, String field, String error) {
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.body())
			.isEqualTo(Api.json("{\"error\":" + Api.quoted(error) + ",\"field\":\"" + field + "\"}"));
	}

	@Test
	void nightlyReportIsScheduled() {
		Timestamp next = this.jdbc.queryForObject(
				"select next_fire_at from jetway_job_schedules where name = 'nightly-sales-report'", Timestamp.class);
		ZonedDateTime fire = next.toInstant().atZone(ZoneOffset.UTC);
		assertThat(fire.getHour()).isEqualTo(2);
		assertThat(fire.getMinute()).isZero();
		assertThat(fire.toInstant()).isBetween(ZonedDateTime.now(ZoneOffset.UTC).toInstant(),
				ZonedDateTime.now(ZoneOffset.UTC).plusDays(1).toInstant());
	}

	@Test
	void usesTheTestsNatsServer() {
		assertThat(this.embeddedNats.getServer()).isNull();
	}

}
