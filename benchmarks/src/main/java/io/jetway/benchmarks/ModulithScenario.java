package io.jetway.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * (d) Spring Modulith's JDBC event publication registry: a producer commits
 * {@value #BATCH} {@code publishEvent(...)} per transaction, a no-op
 * {@code @ApplicationModuleListener} handles each event and Modulith marks its
 * publication completed. Measured from the start of the first commit until every
 * publication has a {@code completion_date}, polled every {@value #POLL_MILLIS} ms.
 */
final class ModulithScenario {

	static final int BATCH = 100;

	static final int POLL_MILLIS = 100;

	private static final String COMPLETED = "SELECT COUNT(*) FROM event_publication WHERE completion_date IS NOT NULL";

	private ModulithScenario() {
	}

	static ScenarioResult run(BenchmarkOptions options) throws Exception {
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create();
				ConfigurableApplicationContext context = new SpringApplicationBuilder(
						ModulithBenchmarkApplication.class)
					.web(WebApplicationType.NONE)
					.bannerMode(Banner.Mode.OFF)
					.logStartupInfo(false)
					.properties("spring.application.name=modulith-benchmark", "logging.level.root=WARN",
							"jetway.enabled=false", "spring.datasource.url=" + database.url(),
							"spring.datasource.username=" + database.username(),
							"spring.datasource.password=" + database.password(),
							"spring.modulith.events.jdbc.schema-initialization.enabled=true")
					.run()) {
			ApplicationEventPublisher events = context;
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
			int warmUp = options.warmUpEvents();
			commitInBatches(events, transactions, 0, warmUp);
			awaitCompleted(jdbc, warmUp);
			long start = System.nanoTime();
			commitInBatches(events, transactions, warmUp, options.events());
			long end = awaitCompleted(jdbc, (long) warmUp + options.events());
			return new ScenarioResult(options.events(), end - start);
		}
	}

	private static void commitInBatches(ApplicationEventPublisher events, TransactionTemplate transactions, long first,
			int count) {
		for (long sequence = first; sequence < first + count; sequence += BATCH) {
			long from = sequence;
			long to = Math.min(first + count, sequence + BATCH);
			transactions.executeWithoutResult((status) -> {
				for (long event = from; event < to; event++) {
					events.publishEvent(BenchEvent.of(event));
				}
			});
		}
	}

	/**
	 * @return when the poll saw {@code total} completed publications
	 */
	private static long awaitCompleted(JdbcTemplate jdbc, long total) throws Exception {
		Duration timeout = Duration.ofSeconds(Math.max(120, total / 100));
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			Long completed = jdbc.queryForObject(COMPLETED, Long.class);
			long now = System.nanoTime();
			if (completed != null && completed >= total) {
				return now;
			}
			if (now > deadline) {
				throw new TimeoutException("only " + completed + " of " + total
						+ " Spring Modulith event publications were completed within " + timeout);
			}
			Thread.sleep(POLL_MILLIS);
		}
	}

}
