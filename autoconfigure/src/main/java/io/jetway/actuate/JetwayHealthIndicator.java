package io.jetway.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.jetway.actuate.JetwayHealthCheck.Level;
import io.jetway.actuate.JetwayHealthCheck.Result;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code jetway} health indicator: runs each check (topology, outbox, consumers, dead
 * letters, jobs, as far as the application uses them) within
 * {@code jetway.health.timeout} (all at once, so a call takes at most that long) and
 * reports the worst: {@code DOWN} when the database or NATS cannot be read or does not
 * answer, {@link #DEGRADED} when a threshold is passed or a database query ran into its
 * query timeout (the database answered, slowly), {@code UP} otherwise. Each check's
 * findings are a detail under its name. Calls that overlap share one evaluation: a call
 * made while another runs waits for that one's answer.
 */
public class JetwayHealthIndicator implements HealthIndicator, DisposableBean {

	/**
	 * Jetway works but something needs a look (a backlog, drift, dead letters, stuck
	 * jobs, a slow query). Add it to {@code management.endpoint.health.status.order} (for
	 * example {@code down,out-of-service,degraded,up,unknown}) for the aggregate to show
	 * it; it is answered with HTTP 200 unless
	 * {@code management.endpoint.health.status.http-mapping} says otherwise.
	 */
	public static final Status DEGRADED = new Status("DEGRADED",
			"Jetway works, but a threshold of jetway.health.* is passed");

	private final List<JetwayHealthCheck> checks;

	private final BoundedCalls calls;

	private final AtomicReference<@Nullable CompletableFuture<Health>> inFlight = new AtomicReference<>();

	JetwayHealthIndicator(List<JetwayHealthCheck> checks, BoundedCalls calls) {
		this.checks = List.copyOf(checks);
		this.calls = calls;
	}

	@Override
	public Health health() {
		CompletableFuture<Health> mine = new CompletableFuture<>();
		CompletableFuture<Health> running = this.inFlight.compareAndExchange(null, mine);
		if (running != null) {
			return join(running);
		}
		try {
			Health health = evaluate();
			mine.complete(health);
			return health;
		}
		catch (RuntimeException | Error ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.inFlight.compareAndSet(mine, null);
		}
	}

	/**
	 * Waits for the evaluation another call started; it answers within the timeout, so
	 * twice the timeout only passes when that call's thread is held up.
	 */
	private Health join(CompletableFuture<Health> running) {
		long timeout = 2 * this.calls.timeout().toNanos();
		try {
			return running.get(timeout, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			return Health.down()
				.withDetail("error",
						"an overlapping health call has not answered within twice " + this.calls.timeout()
								+ " (jetway.health.timeout)")
				.build();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Health.down().withDetail("error", "interrupted").build();
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new IllegalStateException(cause);
		}
	}

	private Health evaluate() {
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
			if (TableReads.isQueryTimeout(ex)) {
				return Result.builder()
					.level(Level.DEGRADED)
					.detail("error", String.valueOf(ex.getMessage()))
					.detail("timedOut", true)
					.build();
			}
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
