package io.jetway.observation;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.Tracing;
import brave.context.slf4j.MDCScopeDecorator;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import com.sun.net.httpserver.HttpServer;
import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.consumer.ConsumerAutoConfiguration;
import io.jetway.consumer.JetStreamListener;
import io.jetway.consumer.MessageContext;
import io.jetway.inbox.InboxAutoConfiguration;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobContext;
import io.jetway.jobs.JobHandler;
import io.jetway.jobs.JobOptions;
import io.jetway.jobs.JobsAutoConfiguration;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.publish.JetwayHeaders;
import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.PublishAutoConfiguration;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.topology.TopologyAutoConfiguration;
import io.jetway.webhook.WebhookAutoConfiguration;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace from the publishing side through the outbox, NATS, a listener, a job it
 * enqueues and that job's webhook, with a real tracing bridge (Brave, W3C propagation)
 * against real NATS and PostgreSQL.
 */
class TracingTests {

	static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, NatsConnectionAutoConfiguration.class,
			TopologyAutoConfiguration.class, JetwayJdbcAutoConfiguration.class, OutboxAutoConfiguration.class,
			PublishAutoConfiguration.class, InboxAutoConfiguration.class, ConsumerAutoConfiguration.class,
			JobsAutoConfiguration.class, WebhookAutoConfiguration.class);

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private HttpServer receiver;

	@BeforeEach
	void startReceiver() throws IOException {
		TracedHandlers.reset();
		this.receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.receiver.createContext("/hook", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			String traceparent = exchange.getRequestHeaders().getFirst(JetwayHeaders.TRACEPARENT);
			TracedHandlers.seen.put("webhook.traceparent", (traceparent != null) ? traceparent : "none");
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		this.receiver.start();
		TracedHandlers.webhookUrl = "http://127.0.0.1:" + this.receiver.getAddress().getPort() + "/hook";
	}

	@AfterEach
	void stopReceiver() {
		this.receiver.stop(0);
	}

	static ApplicationContextRunner contextRunner(TestDatabaseInstance database) throws Exception {
		reset(database);
		return new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS)
			.withUserConfiguration(TracedHandlers.class)
			.withPropertyValues("spring.datasource.url=" + database.url(),
					"spring.datasource.username=" + database.username(),
					"spring.datasource.password=" + database.password(), "jetway.nats.servers=" + nats.url(),
					"jetway.jdbc.initialize-schema=always", "jetway.topology.streams.ORDERS.subjects=orders.>",
					"jetway.consumers.traced.stream=ORDERS", "jetway.outbox.relay.poll-interval=100ms",
					"jetway.jobs.poll-interval=100ms", "jetway.listener.shutdown-timeout=5s",
					"jetway.jobs.webhooks.signing-secret=test-signing-secret",
					"jetway.jobs.webhooks.allow-private-networks=true", "jetway.jobs.webhooks.allowed-hosts=localhost");
	}

	private static void reset(TestDatabaseInstance database) throws Exception {
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
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement management = connection.jetStreamManagement();
			for (String stream : management.getStreamNames()) {
				management.deleteStream(stream);
			}
		}
	}

	@Test
	void traceOfThePublishingSideRunsThroughListenerJobAndWebhook() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		contextRunner(database).withUserConfiguration(BraveTracing.class).run((context) -> {
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			Tracer tracer = context.getBean(Tracer.class);
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			// what an HTTP server observation does for the request that commits an event
			Observation request = Observation.createNotStarted("test.request", registry).start();
			String traceId;
			try (Observation.Scope scope = request.openScope()) {
				Span current = tracer.currentSpan();
				assertThat(current).isNotNull();
				traceId = current.context().traceId();
				transactions.executeWithoutResult((status) -> publisher.publish("orders.created", "order 1"));
			}
			finally {
				request.stop();
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> TracedHandlers.seen.containsKey("webhook.traceparent"));
			Map<String, String> seen = TracedHandlers.seen;
			assertThat(seen.get("listener.traceId")).isEqualTo(traceId);
			assertThat(seen.get("listener.mdc.traceId")).isEqualTo(traceId);
			assertThat(seen.get("listener.mdc.messageId")).isEqualTo(seen.get("listener.messageId"));
			assertThat(seen.get("job.traceId")).isEqualTo(traceId);
			assertThat(seen.get("job.mdc.traceId")).isEqualTo(traceId);
			assertThat(seen.get("job.mdc.jobId")).isEqualTo(seen.get("job.id"));
			assertThat(seen.get("webhook.traceparent")).matches("00-" + traceId + "-[0-9a-f]{16}-01");
			// stored with the outbox row, in its headers
			String headers = new JdbcTemplate(database.dataSource())
				.queryForObject("SELECT headers FROM jetway_outbox WHERE subject = ?", String.class, "orders.created");
			assertThat(headers).contains("\"traceparent\":[\"00-" + traceId + "-");
			// stored with the job row
			String stored = new JdbcTemplate(database.dataSource()).queryForObject(
					"SELECT traceparent FROM jetway_jobs WHERE id = ?", String.class,
					UUID.fromString(seen.get("job.id")));
			assertThat(stored).startsWith("00-" + traceId + "-");
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(BraveTracing.spanNames(traceId)).contains("test.request",
						"orders.created publish", "traced process", "traced run", "traced webhook"));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(
						() -> assertThat(BraveTracing.spans).extracting(MutableSpan::name).contains("outbox relay"));
		});
	}

	@Test
	void withoutAnObservationRegistryNothingIsStoredAndEverythingWorks() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		contextRunner(database).run((context) -> {
			assertThat(context).doesNotHaveBean(ObservationRegistry.class);
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			transactions.executeWithoutResult((status) -> publisher.publish("orders.created", "order 1"));
			await().atMost(Duration.ofSeconds(20)).until(() -> TracedHandlers.seen.containsKey("webhook.traceparent"));
			Map<String, String> seen = TracedHandlers.seen;
			assertThat(seen.get("listener.header.traceparent")).isEqualTo("none");
			assertThat(seen.get("listener.mdc.messageId")).isEqualTo(seen.get("listener.messageId"));
			assertThat(seen.get("job.mdc.jobId")).isEqualTo(seen.get("job.id"));
			assertThat(seen.get("webhook.traceparent")).isEqualTo("none");
			String headers = new JdbcTemplate(database.dataSource())
				.queryForObject("SELECT headers FROM jetway_outbox WHERE subject = ?", String.class, "orders.created");
			assertThat(headers).contains("ce-type").doesNotContain("traceparent");
			Long traced = new JdbcTemplate(database.dataSource())
				.queryForObject("SELECT COUNT(*) FROM jetway_jobs WHERE traceparent IS NOT NULL", Long.class);
			assertThat(traced).isZero();
		});
	}

	@Test
	void conventionBeansReplaceTheDefaults() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		contextRunner(database).withUserConfiguration(CustomConventions.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
			transactions.executeWithoutResult((status) -> publisher.publish("orders.created", "order 1"));
			await().atMost(Duration.ofSeconds(20)).until(() -> TracedHandlers.seen.containsKey("webhook.traceparent"));
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				TestObservationRegistryAssert.assertThat(registry)
					.hasObservationWithNameEqualTo("custom.publish")
					.that()
					.hasBeenStopped()
					.hasLowCardinalityKeyValue("outcome", "success");
				TestObservationRegistryAssert.assertThat(registry)
					.hasObservationWithNameEqualTo("custom.outbox.relay")
					.that()
					.hasBeenStopped()
					.hasLowCardinalityKeyValue("outcome", "success");
				TestObservationRegistryAssert.assertThat(registry)
					.hasObservationWithNameEqualTo("custom.listener")
					.that()
					.hasBeenStopped()
					.hasLowCardinalityKeyValue("consumer", "traced")
					.hasLowCardinalityKeyValue("outcome", "success");
				TestObservationRegistryAssert.assertThat(registry)
					.hasObservationWithNameEqualTo("custom.job")
					.that()
					.hasBeenStopped()
					.hasLowCardinalityKeyValue("type", "traced")
					.hasLowCardinalityKeyValue("outcome", "success");
				TestObservationRegistryAssert.assertThat(registry)
					.hasObservationWithNameEqualTo("custom.webhook")
					.that()
					.hasBeenStopped()
					.hasLowCardinalityKeyValue("outcome", "success");
				TestObservationRegistryAssert.assertThat(registry)
					.hasNumberOfObservationsWithNameEqualTo(DefaultListenerObservationConvention.NAME, 0);
			});
		});
	}

	/**
	 * Records what the listener and the job handler see of the trace and the MDC; the
	 * listener enqueues a job with a webhook.
	 */
	@Configuration(proxyBeanMethods = false)
	static class TracedHandlers {

		static final Map<String, String> seen = new ConcurrentHashMap<>();

		static volatile String webhookUrl = "";

		private final ObjectProvider<JobClient> jobs;

		private final ObjectProvider<Tracer> tracer;

		TracedHandlers(ObjectProvider<JobClient> jobs, ObjectProvider<Tracer> tracer) {
			this.jobs = jobs;
			this.tracer = tracer;
		}

		static void reset() {
			seen.clear();
			BraveTracing.spans.clear();
		}

		@JetStreamListener("traced")
		void on(byte[] body, MessageContext context) {
			seen.put("listener.messageId", context.messageId());
			String traceparent = context.header(JetwayHeaders.TRACEPARENT);
			seen.put("listener.header.traceparent", (traceparent != null) ? traceparent : "none");
			record("listener");
			seen.put("listener.mdc.messageId", String.valueOf(MDC.get(JetwayMdc.MESSAGE_ID)));
			this.jobs.getObject()
				.enqueue("traced", Map.of("order", 1), JobOptions.builder().webhookUrl(webhookUrl).build());
		}

		@JobHandler(type = "traced")
		void run(Map<String, Object> payload, JobContext context) {
			seen.put("job.id", context.id().toString());
			record("job");
			seen.put("job.mdc.jobId", String.valueOf(MDC.get(JetwayMdc.JOB_ID)));
		}

		private void record(String prefix) {
			Tracer current = this.tracer.getIfAvailable();
			Span span = (current != null) ? current.currentSpan() : null;
			seen.put(prefix + ".traceId", (span != null) ? span.context().traceId() : "none");
			seen.put(prefix + ".mdc.traceId", String.valueOf(MDC.get("traceId")));
		}

	}

	/**
	 * A test registry and a replacement for every default convention.
	 */
	@Configuration(proxyBeanMethods = false)
	static class CustomConventions {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

		@Bean
		PublishObservationConvention customPublishConvention() {
			return new DefaultPublishObservationConvention() {

				@Override
				public String getName() {
					return "custom.publish";
				}

			};
		}

		@Bean
		OutboxRelayObservationConvention customRelayConvention() {
			return new DefaultOutboxRelayObservationConvention() {

				@Override
				public String getName() {
					return "custom.outbox.relay";
				}

			};
		}

		@Bean
		ListenerObservationConvention customListenerConvention() {
			return new DefaultListenerObservationConvention() {

				@Override
				public String getName() {
					return "custom.listener";
				}

			};
		}

		@Bean
		JobObservationConvention customJobConvention() {
			return new DefaultJobObservationConvention() {

				@Override
				public String getName() {
					return "custom.job";
				}

			};
		}

		@Bean
		WebhookObservationConvention customWebhookConvention() {
			return new DefaultWebhookObservationConvention() {

				@Override
				public String getName() {
					return "custom.webhook";
				}

			};
		}

	}

	/**
	 * Micrometer Tracing over Brave with W3C propagation, its scopes in the MDC, and the
	 * tracing observation handlers, as Spring Boot's tracing auto-configuration sets them
	 * up; finished spans are kept in memory.
	 */
	@Configuration(proxyBeanMethods = false)
	static class BraveTracing {

		static final List<MutableSpan> spans = new CopyOnWriteArrayList<>();

		static List<String> spanNames(String traceId) {
			return spans.stream().filter((span) -> traceId.equals(span.traceId())).map(MutableSpan::name).toList();
		}

		@Bean(destroyMethod = "close")
		Tracing braveTracing() {
			return Tracing.newBuilder()
				.traceId128Bit(true)
				.sampler(Sampler.ALWAYS_SAMPLE)
				.propagationFactory(new W3CPropagation())
				.currentTraceContext(
						ThreadLocalCurrentTraceContext.newBuilder().addScopeDecorator(MDCScopeDecorator.get()).build())
				.addSpanHandler(new SpanHandler() {

					@Override
					public boolean end(TraceContext context, MutableSpan span, Cause cause) {
						spans.add(span);
						return true;
					}

				})
				.build();
		}

		@Bean
		Tracer tracer(Tracing tracing) {
			return new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()),
					new BraveBaggageManager());
		}

		@Bean
		ObservationRegistry observationRegistry(Tracer tracer, Tracing tracing) {
			BravePropagator propagator = new BravePropagator(tracing);
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig()
				.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
						new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
						new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
						new DefaultTracingObservationHandler(tracer)));
			return registry;
		}

	}

}
