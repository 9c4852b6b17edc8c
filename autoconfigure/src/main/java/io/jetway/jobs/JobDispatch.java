package io.jetway.jobs;

import java.time.Duration;

import io.jetway.outbox.OutboxRelay;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * How job messages reach the stream in this application: through the outbox, or (on
 * PostgreSQL, {@code jetway.jobs.dispatch.direct}) by the {@link JobDispatcher} with the
 * {@link JobDispatchRecovery} behind it. Starts with the outbox relay, after the
 * topology, and stops after the job workers.
 */
public final class JobDispatch implements SmartLifecycle {

	private final @Nullable JobDispatcher dispatcher;

	private final @Nullable JobDispatchRecovery recovery;

	private volatile boolean running;

	private JobDispatch(@Nullable JobDispatcher dispatcher, @Nullable JobDispatchRecovery recovery) {
		this.dispatcher = dispatcher;
		this.recovery = recovery;
	}

	/**
	 * @return every job message goes through the outbox
	 */
	public static JobDispatch throughOutbox() {
		return new JobDispatch(null, null);
	}

	static JobDispatch direct(JobDispatcher dispatcher, JobDispatchRecovery recovery) {
		return new JobDispatch(dispatcher, recovery);
	}

	/**
	 * @return the dispatcher of jobs to run now, or {@code null} when they go through the
	 * outbox
	 */
	@Nullable JobDispatcher dispatcher() {
		return this.dispatcher;
	}

	/**
	 * @return the recovery of jobs whose message never left, or {@code null} when job
	 * messages go through the outbox
	 */
	@Nullable JobDispatchRecovery recovery() {
		return this.recovery;
	}

	/**
	 * @return how long the oldest transaction still running in the PostgreSQL cluster has
	 * held the recovery back, as of its last round (the
	 * {@code jetway.jobs.dispatch.recovery.held.back} gauge); zero when job messages go
	 * through the outbox
	 */
	public Duration recoveryHeldBack() {
		return (this.recovery != null) ? this.recovery.heldBack() : Duration.ZERO;
	}

	@Override
	public void start() {
		if (this.dispatcher != null) {
			this.dispatcher.start();
		}
		if (this.recovery != null) {
			this.recovery.start();
		}
		this.running = true;
	}

	@Override
	public void stop() {
		if (this.recovery != null) {
			this.recovery.stop();
		}
		if (this.dispatcher != null) {
			this.dispatcher.stop();
		}
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return OutboxRelay.PHASE;
	}

}
