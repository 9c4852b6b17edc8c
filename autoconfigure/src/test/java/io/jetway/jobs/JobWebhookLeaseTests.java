package io.jetway.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.webhook.JetwayWebhookProperties;
import io.jetway.webhook.WebhookAutoConfiguration;
import io.jetway.webhook.WebhookBackoff;
import io.jetway.webhook.WebhookSender;
import io.jetway.webhook.WebhookSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhook deliveries taken by two instances at once: a receiver that accepts and never
 * answers makes every attempt last the whole read timeout, so a poll's batch of 20 takes
 * far longer than one lease.
 */
class JobWebhookLeaseTests {

	/** Shorter than a batch of 20 sends that each wait the 1 s read timeout. */
	private static final Duration LEASE = Duration.ofSeconds(3);

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private final List<Socket> connections = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> posts = new ConcurrentHashMap<>();

	private ServerSocket receiver;

	private Thread acceptor;

	@AfterEach
	void stopReceiver() throws Exception {
		if (this.receiver != null) {
			this.receiver.close();
			this.acceptor.join(5000);
		}
		for (Socket socket : this.connections) {
			socket.close();
		}
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void twoInstancesPostEachDeliveryOncePerAttemptWhenTheReceiverNeverAnswers(TestDatabase type) throws Exception {
		TestDatabaseInstance database = databases.get(type);
		JobsTests.reset(database, nats.url());
		int port = startSilentReceiver();
		ApplicationContextRunner runner = JobsTests.contextRunner(database, nats.url())
			.withConfiguration(AutoConfigurations.of(WebhookAutoConfiguration.class))
			.withUserConfiguration(ShortLease.class)
			.withPropertyValues("jetway.jobs.webhooks.signing-secret=secret",
					"jetway.jobs.webhooks.allow-private-networks=true", "jetway.jobs.webhooks.connect-timeout=1s",
					"jetway.jobs.webhooks.read-timeout=1s", "jetway.jobs.webhooks.max-attempts=2",
					"jetway.jobs.webhooks.backoff.initial=100ms", "jetway.jobs.webhooks.backoff.max=100ms");
		runner.run((first) -> runner.run((second) -> {
			JobClient jobs = first.getBean(JobClient.class);
			List<UUID> ids = new ArrayList<>();
			// paused, so that all 20 become due together and fill one poll's batch
			jobs.pause("default");
			for (int i = 0; i < 20; i++) {
				ids.add(jobs.enqueue("greet", new JobsTests.TestHandlers.Greeting("lease-" + i),
						JobOptions.builder().webhookUrl("http://127.0.0.1:" + port + "/hook").build()));
			}
			jobs.resume("default");
			await().atMost(Duration.ofSeconds(90))
				.until(() -> ids.stream()
					.allMatch((id) -> "failed".equals(jobs.status(id).orElseThrow().webhookStatus())));
			for (UUID id : ids) {
				JobStatus status = jobs.status(id).orElseThrow();
				assertThat(status.webhookAttempts()).as("attempts of %s", id).isEqualTo(2);
				assertThat(this.posts.get(id + ":webhook")).as("POSTs of %s", id).hasValue(2);
			}
		}));
	}

	/** Accepts, reads the request head, and never answers. */
	private int startSilentReceiver() throws IOException {
		this.receiver = new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"));
		this.acceptor = new Thread(() -> {
			while (!this.receiver.isClosed()) {
				try {
					Socket socket = this.receiver.accept();
					this.connections.add(socket);
					BufferedReader reader = new BufferedReader(
							new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
					String line;
					while ((line = reader.readLine()) != null && !line.isEmpty()) {
						if (line.regionMatches(true, 0, WebhookSignature.DELIVERY_ID_HEADER + ":", 0,
								WebhookSignature.DELIVERY_ID_HEADER.length() + 1)) {
							String id = line.substring(WebhookSignature.DELIVERY_ID_HEADER.length() + 1).trim();
							this.posts.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
						}
					}
				}
				catch (IOException ex) {
					// closed
				}
			}
		}, "silent-webhook-receiver");
		this.acceptor.start();
		return this.receiver.getLocalPort();
	}

	@Configuration(proxyBeanMethods = false)
	static class ShortLease {

		@Bean
		JobWebhookDeliveries jobWebhookDeliveries(JobRepository repository, WebhookSender sender,
				JetwayWebhookProperties webhooks, JobsProperties properties) {
			return new JobWebhookDeliveries(repository, sender, WebhookBackoff.of(webhooks),
					JsonMapper.builder().build(), properties.getPollInterval(), LEASE, Clock.systemUTC());
		}

	}

}
