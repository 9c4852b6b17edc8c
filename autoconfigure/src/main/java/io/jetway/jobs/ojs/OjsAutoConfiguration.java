package io.jetway.jobs.ojs;

import java.time.Clock;

import javax.sql.DataSource;

import io.jetway.consumer.ConsumerEnsurer;
import io.jetway.jdbc.DatabaseType;
import io.jetway.jdbc.JetwayTables;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobEvents;
import io.jetway.jobs.JobHandlers;
import io.jetway.jobs.JobsAutoConfiguration;
import io.jetway.jobs.JobSubjects;
import io.jetway.jobs.JobsProperties;
import io.jetway.support.TransactionCommitListener;
import io.jetway.topology.Namespace;
import io.nats.client.Connection;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * External workers over the Open Job Spec HTTP binding, on Spring MVC, when
 * {@code jetway.jobs.ojs.enabled=true}.
 */
@AutoConfiguration(after = JobsAutoConfiguration.class)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean({ JobClient.class, JobsProperties.class, DatabaseType.class, ConsumerEnsurer.class })
@ConditionalOnBooleanProperty("jetway.jobs.ojs.enabled")
@EnableConfigurationProperties(OjsProperties.class)
public class OjsAutoConfiguration {

	OjsAutoConfiguration(OjsProperties properties, ResourceLoader resourceLoader, ListableBeanFactory beanFactory) {
		OjsBasePath.check(properties.getBasePath());
		OjsProducerAccess.check(properties,
				ClassUtils.isPresent(OjsProducerAccess.SECURITY_CLASS, resourceLoader.getClassLoader()),
				beanFactory.getBeanNamesForType(OjsProducerGuard.class, true, false).length > 0);
	}

	@Bean
	@ConditionalOnMissingBean(name = "jetwayOjsTables")
	JetwayTables jetwayOjsTables() {
		return new JetwayTables("external workers (jetway.jobs.ojs)", "jetway_job_leases", "jetway_worker_tokens",
				"jetway_ojs_crons", "jetway_ojs_workers")
			.withColumns("jetway_jobs.ojs_policy", "jetway_jobs.ojs_errors", "jetway_jobs.expires_at",
					"jetway_jobs.ojs_envelope");
	}

	@Bean
	@ConditionalOnMissingBean
	OjsLeases ojsLeases(DataSource dataSource, DatabaseType databaseType) {
		return new OjsLeases(new JdbcTemplate(dataSource), databaseType,
				new TransactionTemplate(TransactionCommitListener.addTo(new DataSourceTransactionManager(dataSource))));
	}

	@Bean
	@ConditionalOnMissingBean
	WorkerTokens ojsWorkerTokens(DataSource dataSource, DatabaseType databaseType) {
		return new WorkerTokens(new JdbcTemplate(dataSource), databaseType, Clock.systemUTC());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	OjsQueues ojsQueues(JobsProperties jobs, OjsProperties properties, JobSubjects subjects, Namespace namespace,
			Connection connection, ConsumerEnsurer ensurer) {
		return new OjsQueues(jobs, properties, subjects, namespace, connection, ensurer);
	}

	@Bean
	@ConditionalOnMissingBean
	OjsJobRecords ojsJobRecords(DataSource dataSource, DatabaseType databaseType, OjsProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new OjsJobRecords(new JdbcTemplate(dataSource), databaseType,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				properties.isConformanceTestDirectivesEnabled());
	}

	@Bean
	@ConditionalOnMissingBean
	OjsExpiries ojsExpiries(DataSource dataSource, DatabaseType databaseType, ObjectProvider<JsonMapper> jsonMapper,
			OjsTransitions transitions) {
		return new OjsExpiries(new JdbcTemplate(dataSource), databaseType,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), transitions);
	}

	@Bean
	@ConditionalOnMissingBean
	OjsWorkerStates ojsWorkerStates(DataSource dataSource, DatabaseType databaseType) {
		return new OjsWorkerStates(new JdbcTemplate(dataSource), databaseType);
	}

	@Bean
	@ConditionalOnMissingBean
	OjsJobView ojsJobView(ObjectProvider<JsonMapper> jsonMapper, OjsJobRecords records) {
		return new OjsJobView(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), records);
	}

	@Bean
	@ConditionalOnMissingBean
	OjsTransitions ojsTransitions(JobClient jobs, JobEvents events) {
		return new OjsTransitions(jobs, events, Clock.systemUTC());
	}

	@Bean(initMethod = "start", destroyMethod = "close")
	@ConditionalOnMissingBean
	OjsEvents ojsEvents(Connection connection, Namespace namespace, OjsProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new OjsEvents(connection, namespace, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				properties.getEventsBufferSize(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	OjsEventsController ojsEventsController(OjsEvents events, WorkerTokens tokens, OjsProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new OjsEventsController(events, tokens, properties,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	@Bean
	@ConditionalOnMissingBean
	OjsProducers ojsProducers(JobClient jobs, JobHandlers handlers, OjsQueues queues, OjsLeases leases, OjsJobView view,
			OjsJobRecords records, OjsExpiries expiries, OjsProperties properties, OjsTransitions transitions,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<PlatformTransactionManager> transactionManager,
			DataSource dataSource) {
		return new OjsProducers(jobs, handlers, queues, leases, view, records, expiries, properties, transitions,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				new TransactionTemplate(transactionManager
					.getIfUnique(() -> TransactionCommitListener.addTo(new DataSourceTransactionManager(dataSource)))),
				Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	OjsWorkers ojsWorkers(JobClient jobs, JobsProperties jobsProperties, OjsLeases leases, OjsQueues queues,
			OjsJobView view, OjsJobRecords records, OjsWorkerStates workerStates, OjsProperties properties,
			OjsExpiries expiries, OjsTransitions transitions, ObjectProvider<JsonMapper> jsonMapper) {
		return new OjsWorkers(jobs, jobsProperties, leases, queues, view, records, workerStates,
				properties.getVisibilityTimeout(), expiries, transitions,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	OjsLeaseSweeper ojsLeaseSweeper(OjsLeases leases, OjsWorkers workers, OjsProperties properties) {
		return new OjsLeaseSweeper(leases, workers, properties.getLeaseSweepInterval(),
				properties.getWorkerStateRetention(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	OjsDeadLetters ojsDeadLetters(JobClient jobs, OjsLeases leases, OjsQueues queues, OjsJobView view,
			OjsJobRecords records) {
		return new OjsDeadLetters(jobs, leases, queues, view, records, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	OjsCrons ojsCrons(DataSource dataSource, DatabaseType databaseType, JobClient jobs, JobHandlers handlers,
			OjsQueues queues, JobsProperties jobsProperties, OjsProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new OjsCrons(new JdbcTemplate(dataSource), databaseType,
				new TransactionTemplate(TransactionCommitListener.addTo(new DataSourceTransactionManager(dataSource))),
				jobs, handlers, queues, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				jobsProperties.getPollInterval(), properties.getMaxCrons(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	OjsProgress ojsProgress(JobClient jobs, OjsLeases leases, OjsQueues queues, JobEvents events, OjsJobRecords records,
			OjsProperties properties) {
		return new OjsProgress(jobs, leases, queues, events, records, properties.getVisibilityTimeout(),
				Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	OjsCronAndProgressController ojsCronAndProgressController(OjsCrons crons, OjsProgress progress, JobClient jobs,
			OjsQueues queues, WorkerTokens tokens, OjsProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
		return new OjsCronAndProgressController(crons, progress, jobs, queues, tokens, properties,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	OjsJobsController ojsJobsController(OjsProducers producers, OjsLeases leases, OjsQueues queues, OjsCrons crons,
			WorkerTokens tokens, OjsProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
		return new OjsJobsController(producers, leases, queues, crons, tokens, properties,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	@Bean
	@ConditionalOnMissingBean
	OjsController ojsController(OjsProducers producers, OjsWorkers workers, WorkerTokens tokens,
			OjsDeadLetters deadLetters, OjsQueues queues, JobClient jobs, OjsProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new OjsController(producers, workers, tokens, deadLetters, queues, jobs, properties,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

}
