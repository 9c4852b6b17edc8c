package io.jetway.faulttests.workload;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Commits the run's operations at {@code workload.rate} per second once the application
 * is ready, until {@code workload_driver} says the run is complete. A failing commit
 * (database down) is retried; an operation is never skipped.
 */
@Component
class OperationDriver implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(OperationDriver.class);

	private final Operations operations;

	private final WorkloadProperties properties;

	private volatile boolean running;

	private volatile @org.jspecify.annotations.Nullable Thread thread;

	OperationDriver(Operations operations, WorkloadProperties properties) {
		this.operations = operations;
		this.properties = properties;
	}

	@EventListener(ApplicationReadyEvent.class)
	void startDriving() {
		if (this.properties.getOperations() <= 0 || !this.running) {
			return;
		}
		Thread driver = new Thread(this::drive, "workload-driver");
		driver.setDaemon(true);
		this.thread = driver;
		driver.start();
	}

	private void drive() {
		retry(() -> this.operations.plan(this.properties.getOperations()));
		if (this.properties.isAwaitStart()) {
			logger.info("Driver waiting for the start of the run (workload_start)");
			while (this.running && !retry(this.operations::started)) {
				LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
			}
		}
		long interval = Duration.ofSeconds(1).toNanos() / Math.max(1, this.properties.getRate());
		long next = System.nanoTime();
		long committed = 0;
		while (this.running) {
			Long id = retry(this.operations::commitNext);
			if (id == null) {
				logger.info("Driver done: this instance committed " + committed + " operations");
				return;
			}
			committed++;
			next += interval;
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			else {
				next = System.nanoTime();
			}
		}
	}

	private <T> T retry(java.util.function.Supplier<T> action) {
		while (true) {
			try {
				return action.get();
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					throw ex;
				}
				logger.warn("Commit failed, retrying in 200 ms: " + ex.getMessage());
				LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
			}
		}
	}

	private void retry(Runnable action) {
		retry(() -> {
			action.run();
			return Boolean.TRUE;
		});
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		Thread driver = this.thread;
		if (driver != null) {
			try {
				driver.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// stops before Jetway's relay and listeners
		return Integer.MAX_VALUE;
	}

}
