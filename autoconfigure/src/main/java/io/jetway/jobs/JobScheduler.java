package io.jetway.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

import io.jetway.jobs.JobsProperties.ScheduleProperties;
import io.jetway.support.CronTicks;
import io.jetway.support.PeriodicTask;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Enqueues the jobs of {@code jetway.jobs.schedules}. Each schedule's next tick is a row
 * in {@code jetway_job_schedules}; the instance that locks a due row (skipping rows
 * others hold) enqueues the job with the idempotency key {@code cron:<name>:<tick>} and
 * moves the row to the next tick, in one transaction. So each tick fires once across all
 * instances, and a tick missed while every instance was down fires once at the next start
 * (later missed ticks are skipped).
 */
public class JobScheduler implements SmartLifecycle {

	private final JobsProperties properties;

	private final JobClient jobs;

	private final JobHandlers handlers;

	private final JobRepository repository;

	private final TransactionTemplate transactions;

	private final JsonMapper jsonMapper;

	private final Clock clock;

	private final Map<String, Schedule> schedules = new LinkedHashMap<>();

	private final PeriodicTask timer;

	public JobScheduler(JobsProperties properties, JobClient jobs, JobHandlers handlers, JobRepository repository,
			TransactionTemplate transactions, JsonMapper jsonMapper, Clock clock) {
		this.properties = properties;
		this.jobs = jobs;
		this.handlers = handlers;
		this.repository = repository;
		this.transactions = transactions;
		this.jsonMapper = jsonMapper;
		this.clock = clock;
		this.timer = new PeriodicTask("jetway-jobs-scheduler", properties.getPollInterval(), this::fireDue);
	}

	@Override
	public void start() {
		this.properties.getSchedules().forEach((name, settings) -> this.schedules.put(name, parse(name, settings)));
		if (this.schedules.isEmpty()) {
			return;
		}
		Instant now = this.clock.instant();
		this.schedules.forEach((name, schedule) -> this.repository.ensureSchedule(name, schedule.next(null, now)));
		this.timer.start(Duration.ZERO);
	}

	@Override
	public void stop() {
		this.timer.stop(Duration.ofSeconds(10));
	}

	@Override
	public boolean isRunning() {
		return this.timer.isRunning();
	}

	@Override
	public int getPhase() {
		return io.jetway.consumer.JetStreamListenerRegistry.PHASE;
	}

	/**
	 * Fires every due tick now. Runs on the scheduler's thread every poll interval.
	 */
	void fireDue() {
		this.transactions.executeWithoutResult((status) -> {
			Instant now = this.clock.instant();
			this.repository.claimDueSchedules(now).forEach((name, tick) -> {
				Schedule schedule = this.schedules.get(name);
				if (schedule == null) {
					return;
				}
				this.jobs.enqueue(schedule.type(), schedule.payload(), JobOptions.builder()
					.idempotencyKey("cron:" + name + ":" + tick)
					.queue((schedule.queue() != null) ? schedule.queue() : this.handlers.get(schedule.type()).queue())
					.build());
				this.repository.scheduleFired(name, tick, schedule.next(tick, now));
			});
		});
	}

	private Schedule parse(String name, ScheduleProperties settings) {
		String property = "jetway.jobs.schedules." + name;
		if (settings.getCron() == null || !CronExpression.isValidExpression(settings.getCron())) {
			throw new IllegalStateException(property + ".cron '" + settings.getCron() + "' is not a valid cron "
					+ "expression; use six fields with seconds, for example '0 0 2 * * *' for 02:00 every day");
		}
		ZoneId zone;
		try {
			zone = ZoneId.of(settings.getZone());
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException(property + ".zone '" + settings.getZone() + "' is not a time zone; use "
					+ "a region id such as Europe/Berlin or UTC", ex);
		}
		if (settings.getType() == null || this.handlers.get(settings.getType()) == null) {
			throw new IllegalStateException(property + ".type '" + settings.getType() + "' has no @JobHandler; "
					+ "known types: " + this.handlers.types());
		}
		if (settings.getQueue() != null) {
			QueueNames.check(settings.getQueue(), property + ".queue");
		}
		JsonNode payload;
		try {
			payload = this.jsonMapper.readTree(settings.getPayload());
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException(property + ".payload is not JSON: " + ex.getMessage(), ex);
		}
		return new Schedule(CronExpression.parse(settings.getCron()), zone, settings.getType(), settings.getQueue(),
				payload);
	}

	private record Schedule(CronExpression cron, ZoneId zone, String type, @Nullable String queue, JsonNode payload) {

		/**
		 * @param fired the tick just fired, or {@code null}
		 */
		Instant next(@Nullable Instant fired, Instant after) {
			return CronTicks.next(this.cron, this.zone, fired, after);
		}

	}

}
