package io.jetway.dashboard;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.jetway.consumer.JetStreamListener;
import io.jetway.consumer.NonRetryableException;
import io.jetway.jobs.JobContext;
import io.jetway.jobs.JobHandler;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.nats.NatsServerProcess;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * An application with Jetway (an ORDERS stream with the {@code orders-handler} listener,
 * jobs on the {@code reports} and {@code slow} queues), Spring Security's default filter
 * chain (form login) with a read-only user and an operator, and the dashboard. Its NATS
 * server and PostgreSQL database live and die with its context.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ DashboardTestApplication.OrdersListener.class, DashboardTestApplication.TestJobs.class })
class DashboardTestApplication {

	static final String READER = "reader";

	static final String OPERATOR = "operator";

	static final String PASSWORD = "dashboard-test-password";

	@Bean(destroyMethod = "close")
	static NatsServerProcess natsServer() {
		return NatsServerProcess.start();
	}

	@Bean(destroyMethod = "close")
	static TestDatabaseInstance testDatabase() {
		return TestDatabase.POSTGRESQL.create();
	}

	@Bean
	DataSource dataSource(TestDatabaseInstance testDatabase) {
		return testDatabase.dataSource();
	}

	@Bean
	static DynamicPropertyRegistrar jetwayProperties(NatsServerProcess natsServer) {
		return (registry) -> registry.add("jetway.nats.servers", natsServer::url);
	}

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(
				User.withUsername(READER).password("{noop}" + PASSWORD).roles("JETWAY_READER").build(),
				User.withUsername(OPERATOR).password("{noop}" + PASSWORD).roles("JETWAY_OPERATOR").build());
	}

	/**
	 * Handles {@code orders.>}: records each body, or fails without retry while
	 * {@link #failing} (so the message is dead-lettered).
	 */
	static class OrdersListener {

		static volatile boolean failing;

		static final List<String> handled = new CopyOnWriteArrayList<>();

		@JetStreamListener("orders-handler")
		void on(String body) {
			if (failing) {
				throw new NonRetryableException("failing on purpose: " + body);
			}
			handled.add(body);
		}

	}

	/**
	 * {@code report} jobs fail while {@link #failing} when their payload says "fail" (one
	 * attempt on the {@code reports} queue); a {@code progress} job reports 25 % and 75
	 * %, each time waiting for the test to release a step.
	 */
	static class TestJobs {

		static volatile boolean failing = true;

		static final Semaphore steps = new Semaphore(0);

		@JobHandler(type = "report", queue = "reports")
		String report(String payload) {
			if (failing && payload.contains("fail")) {
				throw new IllegalStateException("report failed on purpose");
			}
			return "done";
		}

		@JobHandler(type = "progress", queue = "slow")
		String progress(String payload, JobContext context) throws InterruptedException {
			context.progress(0.25, "a quarter");
			awaitStep();
			context.progress(0.75, "three quarters");
			awaitStep();
			return "finished " + payload;
		}

		private static void awaitStep() throws InterruptedException {
			if (!steps.tryAcquire(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the test did not release the next step within 60 s");
			}
		}

	}

}
