package io.jetway.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import io.jetway.consumer.ConsumerAutoConfiguration;
import io.jetway.consumer.ConsumerEnsurer;
import io.jetway.consumer.JetwayListenerProperties;
import io.jetway.jdbc.DatabaseType;
import io.jetway.jdbc.JetwayTables;
import io.jetway.observation.JobObservationConvention;
import io.jetway.observation.PublishObservationConvention;
import io.jetway.observation.WebhookObservationConvention;
import io.jetway.outbox.OutboxAutoConfiguration;
import io.jetway.outbox.OutboxProperties;
import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.OutboxWriter;
import io.jetway.publish.PublishAutoConfiguration;
import io.jetway.support.JetwayConfigurationException;
import io.jetway.support.TransactionCommitListener;
import io.jetway.topology.Namespace;
import io.jetway.topology.StreamDeclaration;
import io.jetway.topology.StreamSettings;
import io.jetway.webhook.JetwayWebhookProperties;
import io.jetway.webhook.WebhookAutoConfiguration;
import io.jetway.webhook.WebhookBackoff;
import io.jetway.webhook.WebhookSender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.RetentionPolicy;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Background jobs: {@link JobClient}, workers per queue, cron schedules. Needs a
 * DataSource (the job table) and the outbox (dispatch in the enqueuer's transaction).
 */
@AutoConfiguration(
		after = { OutboxAutoConfiguration.class, PublishAutoConfiguration.class, ConsumerAutoConfiguration.class,
				WebhookAutoConfiguration.class },
		afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ JetStream.class, JdbcTemplate.class, JsonMapper.class })
@ConditionalOnBean({ DatabaseType.class, OutboxWriter.class, JetwayPublisher.class, ConsumerEnsurer.class })
@ConditionalOnBooleanProperty(name = "jetway.jobs.enabled", matchIfMissing = true)
@EnableConfigurationProperties(JobsProperties.class)
public class JobsAutoConfiguration {

	/** The longest timeout, ack wait or backoff a queue can have. */
	static final Duration MAX_QUEUE_DURATION = Duration.ofDays(36_500);

	@Bean
	@ConditionalOnMissingBean(name = "jetwayJobsTables")
	JetwayTables jetwayJobsTables(DatabaseType databaseType, JobsProperties properties) {
		if (databaseType == DatabaseType.POSTGRESQL && properties.getDispatch().isDirect()) {
			// direct dispatch and its recovery: PostgreSQL only
			return new JetwayTables("jobs", "jetway_jobs", "jetway_job_queues", "jetway_job_schedules",
					"jetway_job_dispatch")
				.withColumns("jetway_jobs.claim_seq", "jetway_jobs.traceparent", "jetway_jobs.enqueue_xid",
						"jetway_jobs.meta");
		}
		return new JetwayTables("jobs", "jetway_jobs", "jetway_job_queues", "jetway_job_schedules")
			.withColumns("jetway_jobs.claim_seq", "jetway_jobs.traceparent", "jetway_jobs.meta");
	}

	@Bean
	@ConditionalOnMissingBean
	static JobHandlerAnnotationBeanPostProcessor jobHandlerAnnotationBeanPostProcessor() {
		return new JobHandlerAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	JobHandlers jobHandlers(JobHandlerAnnotationBeanPostProcessor finder, ObjectProvider<JsonMapper> jsonMapper) {
		return new JobHandlers(finder, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	@Bean
	@ConditionalOnMissingBean
	JobRepository jobRepository(DataSource dataSource, DatabaseType databaseType) {
		return new JobRepository(new JdbcTemplate(dataSource), databaseType,
				new TransactionTemplate(TransactionCommitListener.addTo(new DataSourceTransactionManager(dataSource))));
	}

	@Bean
	@ConditionalOnMissingBean
	JobSubjects jobSubjects(JobsProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
		return new JobSubjects(properties, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	@Bean
	StreamDeclaration jetwayJobsStream(JobsProperties properties, JobSubjects subjects) {
		return StreamDeclaration.of(properties.getStream(), subjects.streamSubjects().toArray(String[]::new))
			.withSettings(StreamSettings.builder()
				.retention(RetentionPolicy.WorkQueue)
				.description("Jetway background jobs")
				.build())
			.withSource("jetway.jobs.stream");
	}

	@Bean
	@ConditionalOnMissingBean
	JobEvents jobEvents(Connection connection, Namespace namespace) {
		return new JobEvents(connection, namespace);
	}

	@Bean
	@ConditionalOnMissingBean
	JobWebhookUrlValidator jobWebhookUrlValidator(ObjectProvider<WebhookSender> sender) {
		WebhookSender webhooks = sender.getIfAvailable();
		if (webhooks != null) {
			return (url) -> {
				try {
					webhooks.validate(url);
				}
				catch (IllegalStateException ex) {
					throw new IllegalArgumentException(ex.getMessage(), ex);
				}
			};
		}
		return (url) -> {
			throw new IllegalArgumentException("Job webhooks are not available: no WebhookSender bean exists "
					+ "(the webhook auto-configuration provides one unless jetway.enabled=false)");
		};
	}

	@Bean
	@ConditionalOnBean({ WebhookSender.class, JetwayWebhookProperties.class })
	@ConditionalOnMissingBean
	JobWebhookDeliveries jobWebhookDeliveries(JobRepository repository, WebhookSender sender,
			ObjectProvider<WebhookBackoff> backoff, ObjectProvider<JsonMapper> jsonMapper, JobsProperties properties,
			JetwayWebhookProperties webhooks, ObjectProvider<JobObserver> observer,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<WebhookObservationConvention> observationConvention) {
		Duration lease = webhooks.getConnectTimeout().plus(webhooks.getReadTimeout()).plusSeconds(30);
		JobWebhookDeliveries deliveries = new JobWebhookDeliveries(repository, sender,
				backoff.getIfAvailable(() -> WebhookBackoff.of(webhooks)),
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), properties.getPollInterval(), lease,
				Clock.systemUTC(), observer.getIfAvailable(() -> JobObserver.NONE));
		deliveries.setObservationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
		deliveries.setObservationConvention(observationConvention.getIfUnique());
		return deliveries;
	}

	@Bean
	@ConditionalOnMissingBean
	PausedQueues pausedQueues(JobRepository repository, JobsProperties properties) {
		return new PausedQueues(repository, properties.getPollInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	JobDispatch jobDispatch(JobsProperties properties, DatabaseType databaseType, DataSource dataSource,
			Namespace namespace, JetStream jetStream, Connection connection,
			ObjectProvider<OutboxProperties> outboxProperties, JobSubjects subjects) {
		JobsProperties.Dispatch dispatch = properties.getDispatch();
		if (!dispatch.isDirect() || databaseType != DatabaseType.POSTGRESQL) {
			return JobDispatch.throughOutbox();
		}
		checkDispatch(dispatch);
		Duration ackTimeout = outboxProperties.getIfAvailable(OutboxProperties::new).getRelay().getAckTimeout();
		JobMessages messages = new JobMessages(namespace, jetStream, ackTimeout, subjects);
		return JobDispatch.direct(
				new JobDispatcher(messages, connection, dispatch.getBatchSize(), dispatch.getRecoveryDelay()),
				new JobDispatchRecovery(new JobDispatchRepository(new JdbcTemplate(dataSource)), messages, connection,
						dispatch.getRecoveryDelay(), dispatch.getRecoveryInterval(), dispatch.getBatchSize(),
						dispatch.getRecoveryHeldBackWarning()));
	}

	private static void checkDispatch(JobsProperties.Dispatch dispatch) {
		if (dispatch.getBatchSize() < 1) {
			throw new JetwayConfigurationException("The job dispatch batch size is " + dispatch.getBatchSize(),
					"jetway.jobs.dispatch.batch-size", "Set it to 1 or more (default 500).", null);
		}
		if ((dispatch.getRecoveryDelay().isNegative() || dispatch.getRecoveryDelay().isZero())) {
			throw new JetwayConfigurationException("The job dispatch recovery delay is " + dispatch.getRecoveryDelay(),
					"jetway.jobs.dispatch.recovery-delay",
					"Set a positive duration below half the jobs stream's duplicate window (default 30s).", null);
		}
		if ((dispatch.getRecoveryInterval().isNegative() || dispatch.getRecoveryInterval().isZero())) {
			throw new JetwayConfigurationException(
					"The job dispatch recovery interval is " + dispatch.getRecoveryInterval(),
					"jetway.jobs.dispatch.recovery-interval", "Set a positive duration (default 5s).", null);
		}
		if ((dispatch.getRecoveryHeldBackWarning().isNegative() || dispatch.getRecoveryHeldBackWarning().isZero())) {
			throw new JetwayConfigurationException(
					"The job dispatch recovery held-back warning is " + dispatch.getRecoveryHeldBackWarning(),
					"jetway.jobs.dispatch.recovery-held-back-warning", "Set a positive duration (default 5m).", null);
		}
	}

	@Bean
	@ConditionalOnMissingBean(JobClient.class)
	DefaultJobClient jobClient(JobHandlers handlers, JobRepository repository, JetwayPublisher publisher,
			DataSource dataSource, JobsProperties properties, ObjectProvider<JsonMapper> jsonMapper,
			JobWebhookUrlValidator webhookUrls, JobEvents events, ObjectProvider<JobObserver> observer,
			PausedQueues pausedQueues, JobDispatch dispatch, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<PublishObservationConvention> observationConvention, JobSubjects subjects) {
		DefaultJobClient client = new DefaultJobClient(handlers, repository, publisher,
				new TransactionTemplate(TransactionCommitListener.addTo(new DataSourceTransactionManager(dataSource))),
				properties, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), webhookUrls, events,
				observer.getIfAvailable(() -> JobObserver.NONE), pausedQueues, dispatch.dispatcher(), Clock.systemUTC(),
				subjects);
		client.setObservationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
		client.setPublishObservationConvention(observationConvention.getIfUnique());
		return client;
	}

	@Bean
	@ConditionalOnMissingBean
	JobCompletions jobCompletions(JobRepository repository, JobEvents events, ObjectProvider<JobObserver> observer,
			JobsProperties properties) {
		return new JobCompletions(repository, events, observer.getIfAvailable(() -> JobObserver.NONE),
				properties.getCompletionBatchWindow(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	JobWorkers jobWorkers(JobHandlers handlers, JobsProperties properties, Namespace namespace, JetStream jetStream,
			ConsumerEnsurer ensurer, JobRepository repository, JobCompletions completions, JobEvents events,
			ObjectProvider<JsonMapper> jsonMapper, JetwayListenerProperties listenerProperties, PausedQueues paused,
			ObjectProvider<PlatformTransactionManager> transactionManager, DataSource dataSource,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<JobObservationConvention> observationConvention, JobSubjects subjects,
			Environment environment) {
		checkQueueDurations("jetway.jobs.defaults", properties.getDefaults());
		ExternalQueuesWithoutOjs.warn(properties,
				environment.getProperty("jetway.jobs.ojs.enabled", Boolean.class, false));
		properties.getQueues()
			.forEach((queue, settings) -> checkQueueDurations("jetway.jobs.queues." + queue, settings));
		JsonMapper mapper = jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
		String stream = namespace.streamName(properties.getStream());
		ObservationRegistry registry = observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP);
		JobObservationConvention convention = observationConvention.getIfUnique();
		JobWorkers workers = new JobWorkers(handlers,
				(queue) -> new JobWorker(queue, stream, namespace.subject(subjects.filter(queue)),
						properties.queue(queue), jetStream, ensurer, handlers, repository, completions, events, mapper,
						paused, Clock.systemUTC(),
						new TransactionTemplate(transactionManager.getIfUnique(
								() -> TransactionCommitListener.addTo(new DataSourceTransactionManager(dataSource)))))
					.observedBy(registry, convention),
				completions, listenerProperties.getShutdownTimeout());
		workers.setExternalQueues((queue) -> properties.queue(queue).isExternal());
		return workers;
	}

	/**
	 * Refuses durations that cannot be computed with (a timeout is scheduled in
	 * milliseconds, a retry time is now plus the backoff) with the property at fault.
	 */
	private static void checkQueueDurations(String prefix, JobsProperties.QueueProperties settings) {
		checkQueueDuration(prefix + ".timeout", settings.getTimeout());
		checkQueueDuration(prefix + ".ack-wait", settings.getAckWait());
		checkQueueDuration(prefix + ".backoff.initial", settings.getBackoff().getInitial());
		checkQueueDuration(prefix + ".backoff.max", settings.getBackoff().getMax());
	}

	private static void checkQueueDuration(String property, Duration value) {
		if (value.isNegative() || value.compareTo(MAX_QUEUE_DURATION) > 0) {
			throw new JetwayConfigurationException("The duration " + value + " is out of range", property,
					"Set a duration from 0 to " + MAX_QUEUE_DURATION.toDays() + " days.", null);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	JobScheduler jobScheduler(JobsProperties properties, JobClient jobs, JobHandlers handlers, JobRepository repository,
			DataSource dataSource, ObjectProvider<JsonMapper> jsonMapper) {
		return new JobScheduler(properties, jobs, handlers, repository,
				new TransactionTemplate(TransactionCommitListener.addTo(new DataSourceTransactionManager(dataSource))),
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "jetway.jobs.retention.enabled", matchIfMissing = true)
	@ConditionalOnMissingBean
	JobRetention jobRetention(JobsProperties properties, DataSource dataSource, DatabaseType databaseType) {
		JobsProperties.Retention retention = JobRetention.check(properties.getRetention());
		return new JobRetention(
				new JobRetentionRepository(new JdbcTemplate(dataSource), databaseType,
						new TransactionTemplate(
								TransactionCommitListener.addTo(new DataSourceTransactionManager(dataSource)))),
				retention, Clock.systemUTC());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class JobMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JobMetrics jobMetrics(JobRepository repository, JobsProperties properties, JobHandlers handlers) {
			return new JobMetrics(repository, () -> {
				Set<String> queues = new TreeSet<>(properties.getQueues().keySet());
				queues.addAll(handlers.queues());
				return queues;
			});
		}

		@Bean
		@ConditionalOnMissingBean
		JobDispatchMetrics jobDispatchMetrics(JobDispatch dispatch) {
			return new JobDispatchMetrics(dispatch);
		}

	}

}
