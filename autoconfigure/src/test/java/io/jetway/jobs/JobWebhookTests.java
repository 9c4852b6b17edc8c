package io.jetway.jobs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.webhook.WebhookAutoConfiguration;
import io.jetway.webhook.WebhookSignature;
import io.jetway.webhook.WebhookSignatureVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Job webhooks delivered to a real local receiver (allowed through the development
 * override).
 */
class JobWebhookTests {

	private static final String SECRET = "test-signing-secret";

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private final AtomicInteger failuresLeft = new AtomicInteger();

	private HttpServer receiver;

	@AfterEach
	void stopReceiver() {
		if (this.receiver != null) {
			this.receiver.stop(0);
		}
	}

	private ApplicationContextRunner contextRunner(TestDatabaseInstance database) {
		return JobsTests.contextRunner(database, nats.url())
			.withConfiguration(AutoConfigurations.of(WebhookAutoConfiguration.class))
			.withPropertyValues("jetway.jobs.webhooks.signing-secret=" + SECRET,
					"jetway.jobs.webhooks.allow-private-networks=true", "jetway.jobs.webhooks.allowed-hosts=localhost",
					"jetway.jobs.webhooks.backoff.initial=200ms", "jetway.jobs.webhooks.backoff.max=200ms",
					"jetway.jobs.webhooks.max-attempts=3");
	}

	private int startReceiver(int port) throws IOException {
		this.receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
		this.receiver.createContext("/hook", (exchange) -> {
			byte[] body = exchange.getRequestBody().readAllBytes();
			this.received.add(new Received(exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
					exchange.getRequestHeaders().getFirst(WebhookSignature.DELIVERY_ID_HEADER), body));
			int status = (this.failuresLeft.getAndDecrement() > 0) ? 500 : 200;
			exchange.sendResponseHeaders(status, -1);
			exchange.close();
		});
		this.receiver.start();
		return this.receiver.getAddress().getPort();
	}

	@Test
	void completedJobIsPostedSignedAndA500IsRetried() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.H2);
		JobsTests.reset(database, nats.url());
		int port = startReceiver(0);
		this.failuresLeft.set(1);
		contextRunner(database).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = jobs.enqueue("greet", new JobsTests.TestHandlers.Greeting("hook"),
					JobOptions.builder().webhookUrl("http://127.0.0.1:" + port + "/hook").build());
			await().atMost(Duration.ofSeconds(5))
				.until(() -> jobs.status(id).orElseThrow().status() == JobState.COMPLETED);
			await().atMost(Duration.ofSeconds(15))
				.until(() -> "delivered".equals(jobs.status(id).orElseThrow().webhookStatus()));
			JobStatus status = jobs.status(id).orElseThrow();
			assertThat(status.status()).isEqualTo(JobState.COMPLETED);
			assertThat(status.webhookAttempts()).isEqualTo(2);
			assertThat(this.received).hasSize(2);
			Received last = this.received.get(1);
			assertThat(WebhookSignatureVerifier.verify(SECRET, last.signature(), last.body(), Duration.ofMinutes(5),
					Clock.systemUTC()))
				.isTrue();
			assertThat(last.deliveryId()).isEqualTo(this.received.get(0).deliveryId());
			String json = new String(last.body());
			assertThat(json).contains("\"id\":\"" + id + "\"")
				.contains("\"status\":\"completed\"")
				.contains("\"result\":{\"text\":\"Hello, hook\"}")
				.contains("\"type\":\"greet\"")
				.contains("\"attempts\":1");
		});
	}

	@Test
	void failingReceiverIsRecordedWithoutChangingTheJob() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.H2);
		JobsTests.reset(database, nats.url());
		int port = startReceiver(0);
		this.failuresLeft.set(100);
		contextRunner(database).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = jobs.enqueue("greet", new JobsTests.TestHandlers.Greeting("down"),
					JobOptions.builder().webhookUrl("http://127.0.0.1:" + port + "/hook").build());
			await().atMost(Duration.ofSeconds(15))
				.until(() -> "failed".equals(jobs.status(id).orElseThrow().webhookStatus()));
			JobStatus status = jobs.status(id).orElseThrow();
			assertThat(status.status()).isEqualTo(JobState.COMPLETED);
			assertThat(status.webhookAttempts()).isEqualTo(3);
			assertThat(status.webhookLastError()).contains("500");
		});
	}

	@Test
	void pendingDeliverySurvivesARestart() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.H2);
		JobsTests.reset(database, nats.url());
		int port;
		try (var probe = new java.net.ServerSocket(0)) {
			port = probe.getLocalPort();
		}
		UUID[] id = new UUID[1];
		var runner = contextRunner(database).withPropertyValues("jetway.jobs.webhooks.max-attempts=50");
		runner.run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			id[0] = jobs.enqueue("greet", new JobsTests.TestHandlers.Greeting("later"),
					JobOptions.builder().webhookUrl("http://127.0.0.1:" + port + "/hook").build());
			await().atMost(Duration.ofSeconds(15)).until(() -> jobs.status(id[0]).orElseThrow().webhookAttempts() >= 1);
			assertThat(jobs.status(id[0]).orElseThrow().webhookStatus()).isEqualTo("pending");
		});
		startReceiver(port);
		runner.run((context) -> await().atMost(Duration.ofSeconds(15))
			.until(() -> "delivered"
				.equals(context.getBean(JobClient.class).status(id[0]).orElseThrow().webhookStatus())));
		assertThat(this.received).hasSize(1);
	}

	@Test
	void hostileWebhookUrlIsRefusedAtEnqueue() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.H2);
		JobsTests.reset(database, nats.url());
		JobsTests.contextRunner(database, nats.url())
			.withConfiguration(AutoConfigurations.of(WebhookAutoConfiguration.class))
			.withPropertyValues("jetway.jobs.webhooks.signing-secret=" + SECRET)
			.run((context) -> {
				JobClient jobs = context.getBean(JobClient.class);
				assertThatIllegalArgumentException()
					.isThrownBy(() -> jobs.enqueue("greet", new JobsTests.TestHandlers.Greeting("x"),
							JobOptions.builder().webhookUrl("http://169.254.169.254/latest/meta-data").build()))
					.withMessageContaining("169.254.169.254");
				assertThat(jobs.list(null, null, 0, 10)).isEmpty();
			});
	}

	record Received(String signature, String deliveryId, byte[] body) {
	}

}
