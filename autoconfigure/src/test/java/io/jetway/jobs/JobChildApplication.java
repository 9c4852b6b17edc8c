package io.jetway.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.consumer.ConsumerAutoConfiguration;
import io.jetway.inbox.InboxAutoConfiguration;
import io.jetway.jdbc.JetwayJdbcAutoConfiguration;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.publish.PublishAutoConfiguration;
import io.jetway.topology.TopologyAutoConfiguration;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An application with job handlers, run in a child JVM by {@link JobCrashTests} so that a
 * test can kill it as a crash would. With {@code --child.enqueue.type} and
 * {@code --child.enqueue.count} it first enqueues that many jobs (100 per transaction)
 * and prints {@code enqueued}.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
		TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class,
		NatsConnectionAutoConfiguration.class, TopologyAutoConfiguration.class, JetwayJdbcAutoConfiguration.class,
		OutboxAutoConfiguration.class, PublishAutoConfiguration.class, InboxAutoConfiguration.class,
		ConsumerAutoConfiguration.class, JobsAutoConfiguration.class })
public class JobChildApplication {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JobChildApplication.class)
			.web(WebApplicationType.NONE)
			.run(args);
		Environment environment = context.getEnvironment();
		String type = environment.getProperty("child.enqueue.type");
		int count = environment.getProperty("child.enqueue.count", Integer.class, 0);
		if (type != null && count > 0) {
			JobClient jobs = context.getBean(JobClient.class);
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			List<UUID> ids = new ArrayList<>();
			for (int first = 0; first < count; first += 100) {
				int from = first;
				transactions.executeWithoutResult((status) -> {
					for (int i = from; i < Math.min(count, from + 100); i++) {
						ids.add(jobs.enqueue(type, "job-" + i));
					}
				});
			}
			System.out.println("enqueued " + ids.size());
		}
		System.out.println("child ready");
	}

	@Bean
	ChildHandlers childHandlers(JdbcTemplate jdbc) {
		return new ChildHandlers(jdbc);
	}

	static class ChildHandlers {

		private final JdbcTemplate jdbc;

		ChildHandlers(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		/** Kills the JVM in every attempt, as a poison job can. */
		@JobHandler(type = "halt", queue = "child")
		void halt(String input, JobContext context) {
			System.out.println("halting in attempt " + context.attempt());
			System.out.flush();
			Runtime.getRuntime().halt(1);
		}

		/** Its one effect is a row in the application's database. */
		@JobHandler(type = "effect", queue = "child", transactional = true)
		void effect(String input, JobContext context) throws InterruptedException {
			this.jdbc.update("INSERT INTO child_effects (job_id, attempt) VALUES (?, ?)", context.id().toString(),
					context.attempt());
			// some work after the effect, so that kills land between effect and commit
			Thread.sleep(10);
		}

	}

}
