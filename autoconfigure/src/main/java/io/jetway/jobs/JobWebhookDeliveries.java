package io.jetway.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.jetway.observation.DefaultWebhookObservationConvention;
import io.jetway.observation.JetwayObservationDocumentation;
import io.jetway.observation.JobRowObservationContext;
import io.jetway.observation.WebhookObservationContext;
import io.jetway.observation.WebhookObservationConvention;
import io.jetway.support.PeriodicTask;
import io.jetway.webhook.WebhookBackoff;
import io.jetway.webhook.WebhookDeliveryResult;
import io.jetway.webhook.WebhookSender;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;

/**
 * Delivers the webhooks of finished jobs. The commit that completes or fails a job with a
 * webhook URL marks its delivery pending in the same row, so a delivery survives
 * restarts; every instance polls for due deliveries, takes each with a conditional update
 * (a lease, so that no other instance sends it meanwhile), POSTs the job's status, and
 * records delivered, a retry with backoff, or failed, on the job's webhook columns. The
 * job's own status never changes.
 */
public class JobWebhookDeliveries implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(JobWebhookDeliveries.class);

	private static final int BATCH = 20;

	private final JobRepository repository;

	private final WebhookSender sender;

	private final WebhookBackoff backoff;

	private final JsonMapper jsonMapper;

	private final Duration pollInterval;

	private final Duration lease;

	private final Clock clock;

	private final PeriodicTask timer;

	private final JobObserver observer;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable WebhookObservationConvention observationConvention;

	public JobWebhookDeliveries(JobRepository repository, WebhookSender sender, WebhookBackoff backoff,
			JsonMapper jsonMapper, Duration pollInterval, Duration lease, Clock clock) {
		this(repository, sender, backoff, jsonMapper, pollInterval, lease, clock, JobObserver.NONE);
	}

	public JobWebhookDeliveries(JobRepository repository, WebhookSender sender, WebhookBackoff backoff,
			JsonMapper jsonMapper, Duration pollInterval, Duration lease, Clock clock, JobObserver observer) {
		this.observer = observer;
		this.repository = repository;
		this.sender = sender;
		this.backoff = backoff;
		this.jsonMapper = jsonMapper;
		this.pollInterval = pollInterval;
		this.lease = lease;
		this.clock = clock;
		this.timer = new PeriodicTask("jetway-jobs-webhooks", pollInterval, this::deliverDue);
	}

	/**
	 * Sets the registry of the {@code jetway.webhook} observations, one per delivery
	 * attempt, which continue the trace stored with the job.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Replaces {@link DefaultWebhookObservationConvention}.
	 * @param observationConvention the convention, or {@code null} for the default
	 */
	public void setObservationConvention(@Nullable WebhookObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	/**
	 * Delivers every due webhook now.
	 * @return how many attempts were made
	 */
	public int deliverDue() {
		List<UUID> due = this.repository.dueWebhooks(this.clock.instant(), BATCH);
		int attempts = 0;
		for (UUID id : due) {
			// the lease starts now, not when the batch was read: the sends before it may
			// have taken a while
			Instant now = this.clock.instant();
			Instant lease = now.plus(this.lease).truncatedTo(ChronoUnit.MICROS);
			if (!this.repository.leaseWebhook(id, now, lease)) {
				continue;
			}
			Optional<JobStatus> job = this.repository.findById(id);
			if (job.isEmpty() || job.get().webhookUrl() == null) {
				continue;
			}
			attempts++;
			deliver(job.get(), lease);
		}
		return attempts;
	}

	private void deliver(JobStatus job, Instant lease) {
		int attempt = job.webhookAttempts() + 1;
		long start = System.nanoTime();
		// the request carries the trace stored with the job, with or without tracing here
		Map<String, String> trace = JobRowObservationContext.carrier(this.repository.traceparent(job.id()));
		Observation observation = JetwayObservationDocumentation.WEBHOOK.observation(this.observationConvention,
				DefaultWebhookObservationConvention.INSTANCE, () -> new WebhookObservationContext(job.id(), job.type(),
						job.queue(), attempt, trace.get(JobRowObservationContext.TRACEPARENT_HEADER)),
				this.observationRegistry);
		WebhookDeliveryResult result = observation.observe(() -> {
			WebhookDeliveryResult sent = this.sender.send(job.webhookUrl(), body(job), job.id() + ":webhook", trace);
			if (observation.getContext() instanceof WebhookObservationContext context) {
				context.setDelivered(sent.isDelivered());
			}
			return sent;
		});
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		Instant now = this.clock.instant();
		if (result.isDelivered()) {
			if (record(job, lease, "delivered", attempt, null, null)) {
				this.observer.webhookAttempt(job.queue(), job.type(), "delivered", took);
			}
			return;
		}
		Optional<Duration> retry = this.backoff.nextDelay(attempt, result);
		String error = result.error();
		if (retry.isPresent()) {
			if (record(job, lease, "pending", attempt, error, now.plus(retry.get()))) {
				this.observer.webhookAttempt(job.queue(), job.type(), "retried", took);
				logger.info("Webhook of job " + job.id() + " attempt " + attempt + " failed (" + error
						+ "); retrying in " + retry.get());
			}
		}
		else if (record(job, lease, "failed", attempt, error, null)) {
			this.observer.webhookAttempt(job.queue(), job.type(), "failed", took);
			logger.warn("Webhook of job " + job.id() + " failed for good after " + attempt + " attempts: " + error);
		}
	}

	private boolean record(JobStatus job, Instant lease, String status, int attempt, @Nullable String error,
			@Nullable Instant nextAt) {
		if (this.repository.recordWebhook(job.id(), lease, status, attempt, error, nextAt)) {
			return true;
		}
		logger.warn("Webhook of job " + job.id() + ": attempt " + attempt + " took longer than its lease of "
				+ this.lease + " and the delivery was taken over meanwhile; its result (" + status + ") is not "
				+ "recorded and the receiver may see the delivery twice (same X-Jetway-Delivery-Id)");
		return false;
	}

	byte[] body(JobStatus job) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", job.id().toString());
		body.put("type", job.type());
		body.put("queue", job.queue());
		body.put("status", job.status().columnValue());
		body.put("result", (job.result() != null) ? this.jsonMapper.readTree(job.result()) : null);
		body.put("error", job.error());
		body.put("attempts", job.attempts());
		body.put("created_at", job.createdAt().toString());
		body.put("completed_at", (job.completedAt() != null) ? job.completedAt().toString() : null);
		return this.jsonMapper.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void start() {
		this.timer.start(this.pollInterval);
	}

	@Override
	public void stop() {
		this.timer.stop(Duration.ofSeconds(30));
	}

	@Override
	public boolean isRunning() {
		return this.timer.isRunning();
	}

}
