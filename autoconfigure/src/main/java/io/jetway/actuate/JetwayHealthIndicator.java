package io.jetway.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import io.jetway.actuate.JetwayHealthCheck.Level;
import io.jetway.actuate.JetwayHealthCheck.Result;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code jetway} health indicator: runs each check (topology, outbox, consumers, dead
 * letters, jobs, as far as the application uses them) within
 * {@code jetway.health.timeout} (all at once, so a call takes at most that long) and
 * reports the worst: {@code DOWN} when the database or NATS cannot be read,
 * {@link #DEGRADED} when a threshold is passed, {@code UP} otherwise. Each check's
 * findings are a detail under its name.
 */
public class JetwayHealthIndicator implements HealthIndicator, DisposableBean {

	/**
	 * Jetway works but something needs a look (a backlog, drift, dead letters, stuck
	 * jobs). Add it to {@code management.endpoint.health.status.order} (for example
	 * {@code down,out-of-service,degraded,up,unknown}) for the aggregate to show it; it
	 * is answered with HTTP 200 unless
	 * {@code management.endpoint.health.status.http-mapping} says otherwise.
	 */
	public static final Status DEGRADED = new Status("DEGRADED",
			"Jetway works, but a threshold of jetway.health.* is passed");

	private final List<JetwayHealthCheck> checks;

	private final BoundedCalls calls;

	JetwayHealthIndicator(List<JetwayHealthCheck> checks, BoundedCalls calls) {
		this.checks = List.copyOf(checks);
		this.calls = calls;
	}

	@Override
	public Health health() {
		long deadline = this.calls.deadline();
		Map<JetwayHealthCheck, Future<Result>> running = new LinkedHashMap<>();
		this.checks.forEach((check) -> running.put(check, this.calls.submit(check::check)));
		Level worst = Level.UP;
		Map<String, Object> details = new LinkedHashMap<>();
		for (JetwayHealthCheck check : this.checks) {
			Result result = await(check, running.get(check), deadline);
			worst = worst.worse(result.level());
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("status", status(result.level()).getCode());
			entry.putAll(result.details());
			details.put(check.name(), entry);
		}
		return Health.status(status(worst)).withDetails(details).build();
	}

	private Result await(JetwayHealthCheck check, Future<Result> running, long deadline) {
		try {
			return this.calls.await(check.name(), running, deadline);
		}
		catch (RuntimeException ex) {
			return Result.builder().level(Level.DOWN).detail("error", String.valueOf(ex.getMessage())).build();
		}
	}

	@Override
	public void destroy() {
		this.calls.close();
	}

	private static Status status(Level level) {
		return switch (level) {
			case UP -> Status.UP;
			case DEGRADED -> DEGRADED;
			case DOWN -> Status.DOWN;
		};
	}

}
