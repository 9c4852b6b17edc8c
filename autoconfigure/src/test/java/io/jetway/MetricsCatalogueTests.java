package io.jetway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;
import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.consumer.ConsumerAutoConfiguration;
import io.jetway.consumer.JetStreamListener;
import io.jetway.consumer.NonRetryableException;
import io.jetway.inbox.InboxAutoConfiguration;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobHandler;
import io.jetway.jobs.JobOptions;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobsAutoConfiguration;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.PublishAutoConfiguration;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.topology.TopologyAutoConfiguration;
import io.jetway.webhook.WebhookAutoConfiguration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Walks the meter catalogue in docs/operations.md: with every capability on (outbox,
 * consumers with inbox and dead letters, jobs with a webhook, direct job dispatch on
 * PostgreSQL) and traffic through each, every catalogued meter exists with exactly the
 * catalogued type and tag keys, and no {@code jetway.*} meter exists outside the
 * catalogue. Real NATS and PostgreSQL, Spring Boot's simple registry, no observation
 * handler (observation timers are catalogued with tracing).
 */
class MetricsCatalogueTests {

	/** Relative to the autoconfigure module, where Maven runs the tests. */
	private static final Path CATALOGUE = Path.of("..", "docs", "operations.md");

	/** The catalogue's header row. */
	private static final String HEADER = "| name | type | tags | meaning | alert on |";

	/** The header row of the meters Micrometer's observation handler makes. */
	private static final String OBSERVATION_HEADER = "| observation meter | type | tags | meaning | alert on |";

	/** Meters that appear at their first event; every other one exists from startup. */
	private static final Set<String> AT_FIRST_EVENT = Set.of("jetway.jobs.enqueued", "jetway.jobs.attempts",
			"jetway.jobs.webhooks");

	private static final Pattern CODE = Pattern.compile("`([^`]+)`");

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private HttpServer receiver;

	@AfterEach
	void stopReceiver() {
		if (this.receiver != null) {
			this.receiver.stop(0);
		}
	}

	@Test
	void everyCataloguedMeterExistsAfterTrafficAndNoOtherJetwayMeterDoes() throws Exception {
		Map<String, CataloguedMeter> catalogue = readCatalogue(HEADER);
		assertThat(catalogue.keySet()).as("meters of the catalogue in %s", CATALOGUE)
			.allSatisfy((name) -> assertThat(name).startsWith("jetway."))
			.containsAll(AT_FIRST_EVENT);
		// a database of its own and a private nats-server: nothing to clean first
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		int port = startReceiver();
		contextRunner(database).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
			Set<String> atStartup = new TreeSet<>(catalogue.keySet());
			atStartup.removeAll(AT_FIRST_EVENT);
			assertThat(names(registry)).as("meters registered at startup").containsAll(atStartup);
			sendTraffic(context, registry, port);
			assertCatalogued(registry, catalogue);
		});
	}

	@Test
	void withAnObservationMeterHandlerTheObservationMetersAreCatalogued() throws Exception {
		Map<String, CataloguedMeter> catalogue = readCatalogue(HEADER);
		Map<String, CataloguedMeter> observations = readCatalogue(OBSERVATION_HEADER);
		assertThat(observations.keySet()).as("observation meters of the catalogue in %s", CATALOGUE)
			.contains("jetway.publish", "jetway.outbox.relay", "jetway.listener", "jetway.job", "jetway.webhook");
		Map<String, CataloguedMeter> all = new LinkedHashMap<>(catalogue);
		all.putAll(observations);
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		int port = startReceiver();
		contextRunner(database).withUserConfiguration(ObservationMeters.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			sendTraffic(context, registry, port);
			assertCatalogued(registry, all);
		});
	}

	private static void sendTraffic(AssertableApplicationContext context, MeterRegistry registry, int port) {
		TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
		JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
		transactions.executeWithoutResult((status) -> {
			publisher.publish("orders.created", new Order("o-1", false));
			publisher.publish("orders.created", new Order("o-2", true));
		});
		JobClient jobs = context.getBean(JobClient.class);
		UUID succeeding = jobs.enqueue("metrics-succeed", "x",
				JobOptions.builder().webhookUrl("http://127.0.0.1:" + port + "/hook").build());
		UUID failing = jobs.enqueue("metrics-fail", "x");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> jobs.status(succeeding).orElseThrow().status() == JobState.COMPLETED
					&& "delivered".equals(jobs.status(succeeding).orElseThrow().webhookStatus())
					&& jobs.status(failing).orElseThrow().status() == JobState.FAILED
					&& count(registry, "jetway.consumer.messages", "handled") == 1
					&& count(registry, "jetway.consumer.messages", "dead_lettered") == 1);
	}

	private static void assertCatalogued(MeterRegistry registry, Map<String, CataloguedMeter> catalogue) {
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(names(registry)).containsAll(catalogue.keySet()));
		for (CataloguedMeter entry : catalogue.values()) {
			assertThat(registry.find(entry.name()).meters()).as(entry.name()).allSatisfy((meter) -> {
				assertThat(meter.getId().getType().name().toLowerCase(Locale.ROOT)).as("type of %s", entry.name())
					.isEqualTo(entry.type());
				assertThat(tagKeys(meter)).as("tag keys of %s", meter.getId()).isEqualTo(entry.tags());
			});
		}
		assertThat(names(registry)).filteredOn((name) -> name.startsWith("jetway."))
			.map((name) -> cataloguedAs(name, catalogue))
			.as("jetway meters outside the catalogue in %s", CATALOGUE)
			.isSubsetOf(catalogue.keySet());
	}

	/**
	 * Reads the table under the {@value #HEADER} header: one row per meter, its name,
	 * type (first word), tag keys (each in backticks, none for "none").
	 */
	static Map<String, CataloguedMeter> readCatalogue(String headerRow) throws IOException {
		assertThat(CATALOGUE).as("the meter catalogue (run the tests from the autoconfigure module)").isRegularFile();
		List<String> lines = Files.readAllLines(CATALOGUE);
		int header = lines.indexOf(headerRow);
		assertThat(header).as("the catalogue's header row '%s' in %s", headerRow, CATALOGUE).isNotNegative();
		Map<String, CataloguedMeter> catalogue = new LinkedHashMap<>();
		for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
			String[] cells = lines.get(i).split("\\|");
			assertThat(cells).as("cells of catalogue row '%s'", lines.get(i)).hasSizeGreaterThanOrEqualTo(6);
			List<String> name = codes(cells[1]);
			assertThat(name).as("the name of catalogue row '%s'", lines.get(i)).hasSize(1);
			String type = cells[2].trim().startsWith("long task timer") ? "long_task_timer"
					: cells[2].trim().split("\\s+")[0];
			assertThat(type).as("the type of %s", name.get(0)).isIn("counter", "gauge", "timer", "long_task_timer");
			Set<String> tags = new LinkedHashSet<>(codes(cells[3]));
			CataloguedMeter meter = new CataloguedMeter(name.get(0), type, new TreeSet<>(tags));
			assertThat(catalogue.put(meter.name(), meter)).as("a second row for %s", meter.name()).isNull();
		}
		assertThat(catalogue).as("rows of the catalogue in %s", CATALOGUE).isNotEmpty();
		return catalogue;
	}

	/**
	 * The catalogued name a meter belongs to: its own, or for the percentile gauges a
	 * registry without native percentiles (such as the simple one) adds to a timer
	 * ({@code <timer>.percentile}, tag {@code phi}), the timer's.
	 */
	private static String cataloguedAs(String name, Map<String, CataloguedMeter> catalogue) {
		String timer = name.substring(0, name.lastIndexOf('.'));
		boolean percentiles = name.endsWith(".percentile") && catalogue.containsKey(timer)
				&& catalogue.get(timer).type().equals("timer");
		return percentiles ? timer : name;
	}

	private static List<String> codes(String cell) {
		List<String> codes = new ArrayList<>();
		Matcher matcher = CODE.matcher(cell);
		while (matcher.find()) {
			codes.add(matcher.group(1));
		}
		return codes;
	}

	private static Set<String> names(MeterRegistry registry) {
		Set<String> names = new TreeSet<>();
		registry.forEachMeter((meter) -> names.add(meter.getId().getName()));
		return names;
	}

	private static Set<String> tagKeys(Meter meter) {
		Set<String> keys = new TreeSet<>();
		meter.getId().getTags().forEach((tag) -> keys.add(tag.getKey()));
		return keys;
	}

	private static double count(MeterRegistry registry, String name, String outcome) {
		Counter counter = registry.find(name).tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static ApplicationContextRunner contextRunner(TestDatabaseInstance database) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class,
					NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class,
					JetwayJdbcAutoConfiguration.class, OutboxAutoConfiguration.class, PublishAutoConfiguration.class,
					InboxAutoConfiguration.class, ConsumerAutoConfiguration.class, JobsAutoConfiguration.class,
					WebhookAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withUserConfiguration(Handlers.class)
			.withPropertyValues("spring.datasource.url=" + database.url(),
					"spring.datasource.username=" + database.username(),
					"spring.datasource.password=" + database.password(), "jetway.nats.servers=" + nats.url(),
					"jetway.jdbc.initialize-schema=always", "jetway.topology.streams.ORDERS.subjects=orders.>",
					"jetway.consumers.metrics-orders.stream=ORDERS", "jetway.consumers.metrics-orders.inbox=true",
					"jetway.outbox.relay.poll-interval=100ms", "jetway.jobs.poll-interval=100ms",
					"jetway.jobs.queues.metrics.max-attempts=2", "jetway.jobs.queues.metrics.backoff.initial=100ms",
					"jetway.jobs.queues.metrics.backoff.max=100ms", "jetway.jobs.queues.metrics.backoff.jitter=0",
					"jetway.jobs.webhooks.signing-secret=metrics-catalogue-secret",
					"jetway.jobs.webhooks.allow-private-networks=true", "jetway.jobs.webhooks.allowed-hosts=localhost",
					"jetway.listener.shutdown-timeout=5s");
	}

	private int startReceiver() throws IOException {
		this.receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.receiver.createContext("/hook", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		this.receiver.start();
		return this.receiver.getAddress().getPort();
	}

	record CataloguedMeter(String name, String type, Set<String> tags) {
	}

	/** What Spring Boot's tracing or observation support sets up: a meter handler. */
	@Configuration(proxyBeanMethods = false)
	static class ObservationMeters {

		@Bean
		ObservationRegistry observationRegistry(MeterRegistry meters) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
			return registry;
		}

	}

	record Order(String id, boolean poison) {
	}

	static class Handlers {

		@JetStreamListener("metrics-orders")
		void on(Order order) {
			if (order.poison()) {
				throw new NonRetryableException("poison order " + order.id());
			}
		}

		@JobHandler(type = "metrics-succeed", queue = "metrics")
		String succeed(String input) {
			return "done " + input;
		}

		@JobHandler(type = "metrics-fail", queue = "metrics")
		void fail(String input) {
			throw new IllegalStateException("always fails: " + input);
		}

	}

}
